"""The one refusal type: a service raises `Refused` when a user asks for something a rule forbids.

The message is for the person acting (Vietnamese on screen, through gettext); `field` names the
form field it concerns, when there is one. Views catch `Refused` and nothing broader, so a bug
(a `ValueError` from Django or the database) is never shown to a user as if it were a rule.
"""

from __future__ import annotations


class Refused(Exception):
    """The action breaks a rule; `message` says which, for the person acting."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
