"""What forms across the apps share."""


def errors_text(form) -> str:
    """Every error of a bound form in one line, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
