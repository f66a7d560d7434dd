"""Writes of the initiatives portal: submission (with e-mail confirmation for anonymous authors),
questions and answers, merging duplicates. Evaluation is in evaluation.py, forwarding to the city
departments in forwarding.py, the campaign's figures in feed.py.

Each write is one transaction with its audit entry; people are told after it commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, replace

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign
from thidua.campaigns.queries import campaign_coordinators
from thidua.core import files, ratelimit, timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.models import StoredFile
from thidua.core.outbox import email_send, notify_users, site_url
from thidua.core.tasks import later
from thidua.core.text import fold
from thidua.initiatives.feed import initiatives_feed, is_paused
from thidua.initiatives.models import Field, Initiative, InitiativeFile, Question
from thidua.initiatives.tasks import similar_compute_task
from thidua.units import access
from thidua.units.models import Unit

log = logging.getLogger(__name__)

RETRIES = 5
TRACK_SALT = "thidua.initiatives.track"
CONFIRM_SALT = "thidua.initiatives.confirm"
CONFIRM_MAX_AGE = dt.timedelta(days=3)
LIMITS = {"title": 300, "problem": 10000, "solution": 10000, "benefit": 5000, "tried_at": 3000, "authors": 2000}


# --- signed links -------------------------------------------------------------------------------


def track_token(initiative: Initiative) -> str:
    """The private tracking link's token: whoever holds it follows this initiative (no account
    needed). Always the same for an initiative, so every e-mail carries the same link."""
    return signing.Signer(salt=TRACK_SALT).sign(str(initiative.pk))


def initiative_from_track_token(token: str) -> Initiative | None:
    try:
        pk = int(signing.Signer(salt=TRACK_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return (
        Initiative.objects.select_related("campaign", "unit", "merged_into")
        .exclude(status=Initiative.Status.PENDING)
        .filter(pk=pk)
        .first()
    )


def track_path(initiative: Initiative) -> str:
    return reverse("initiatives:track", args=[track_token(initiative)])


def confirm_token(initiative: Initiative) -> str:
    return signing.dumps(initiative.pk, salt=CONFIRM_SALT)


class LinkExpired(Refused):
    pass


def initiative_from_confirm_token(token: str) -> Initiative:
    """The initiative a confirmation link names; LinkExpired after CONFIRM_MAX_AGE, Refused if forged."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired(_("This confirmation link has expired. Please submit the initiative again.")) from exc
    except signing.BadSignature as exc:
        raise Refused(_("This link is not valid.")) from exc
    initiative = Initiative.objects.filter(pk=pk).first()
    if initiative is None:
        raise Refused(_("This link is not valid."))
    return initiative


# --- helpers ------------------------------------------------------------------------------------


def accepts_initiatives(campaign: Campaign) -> bool:
    """A campaign collects initiatives while it is published and defines the initiative indicators."""
    return (
        campaign.status == Campaign.Status.PUBLISHED
        and campaign.indicators.filter(code="initiatives_submitted").exists()
    )


def search_text(initiative: Initiative) -> str:
    i = initiative
    return fold(" ".join([i.code or "", i.title, i.problem, i.solution, i.benefit, i.tried_at]))


def _next_code(at: dt.datetime) -> str:
    """SK-2023-0042: the year (Ho Chi Minh City time) and the next number of that year."""
    prefix = f"SK-{timeutils.local(at).year}-"
    last = (
        Initiative.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _mark_submitted(initiative: Initiative, at: dt.datetime) -> None:
    initiative.code = _next_code(at)
    initiative.status = Initiative.Status.SUBMITTED
    initiative.submitted_at = at
    initiative.search_text = search_text(initiative)
    initiative.save(update_fields=["code", "status", "submitted_at", "search_text", "email_confirmed_at"])
    # The council's list of similar initiatives is ready by the time anyone opens the page.
    later(similar_compute_task, initiative.pk, False)


def tell_author(initiative: Initiative, *, subject: str, body: str) -> None:
    """E-mail to the contact address (with the private tracking link), and an in-app notification
    to the author's account and to the officer who submitted on their behalf."""
    users = [u for u in (initiative.author_user, initiative.created_by if initiative.on_behalf else None) if u]
    notify_users(users, text=subject, url=reverse("initiatives:detail", args=[initiative.code]))
    with translation.override("vi"):
        footer = "\n\n" + _("Follow your initiative here") + ": " + site_url(track_path(initiative)) + "\n"
    email_send(to=[initiative.contact_email], subject=subject, body=body + footer)


def _labels() -> dict:
    return {
        "title": _("Title"),
        "problem": _("The problem to solve"),
        "solution": _("Proposed solution"),
        "benefit": _("Expected benefit"),
        "tried_at": _("Where it has been tried"),
        "authors": _("Authors"),
    }


def _check_text(values: dict) -> dict:
    labels = _labels()
    clean = {}
    for name, limit in LIMITS.items():
        value = (values.get(name) or "").strip()
        if name == "title":
            value = " ".join(value.split())  # a title is one line (it becomes an e-mail subject)
        if len(value) > limit:
            raise Refused(
                _("“%(field)s” is too long (at most %(n)s characters).") % {"field": labels[name], "n": limit}
            )
        if not value and name != "tried_at":
            raise Refused(_("“%(field)s” is required.") % {"field": labels[name]})
        clean[name] = value
    return clean


# --- submission ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InitiativeDraft:
    """What the author fills in on the form: the initiative's text, its field, and how to reach them.
    The names are the Initiative's fields."""

    title: str
    field: str
    problem: str
    solution: str
    benefit: str
    authors: str
    contact_email: str
    contact_phone: str = ""
    tried_at: str = ""
    show_authors: bool = False


def _checked_draft(content: InitiativeDraft) -> InitiativeDraft:
    """The draft with its text and contact details trimmed; Refused when one is missing or too long."""
    contact_email = (content.contact_email or "").strip()
    if not contact_email:
        raise Refused(_("Give a contact e-mail address."))
    text = _check_text({name: getattr(content, name) for name in LIMITS})
    phone = (content.contact_phone or "").strip()
    return replace(content, contact_email=contact_email, contact_phone=phone, **text)


def initiative_submit(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    content: InitiativeDraft,
    on_behalf: bool = False,
    uploads: list[tuple[str, bytes]] = (),
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Initiative:
    """Receive an initiative with its attachments (checked and stored like unit documents).

    A signed-in author, or an officer submitting on behalf of people of a unit it may edit, gets a
    tracking code at once. Anyone else gets an e-mail with a signed link: the initiative is
    submitted (and gets its code) only when that link is opened. On any refusal nothing is stored.
    """

    signed_in = bool(getattr(actor, "is_authenticated", False))
    if uploads and not signed_in:
        raise Refused(
            _(
                "Attach the files after confirming your e-mail address: the link we send opens your "
                "initiative's page, where you can add them."
            ),
            field=files.FIELD,
        )
    if not accepts_initiatives(campaign):
        raise Refused(_("This campaign is not collecting initiatives."))
    if content.field not in Field.values:
        raise Refused(_("Choose the field of the initiative."))
    if campaign.issuer_unit is None or not campaign.issuer_unit.contains(unit):
        raise Refused(_("Choose a unit of the Youth Union."))
    if on_behalf and not (signed_in and access.can_edit_unit(actor, unit)):
        raise Refused(_("Only an officer of %(unit)s may submit on behalf of its people.") % {"unit": unit.name})
    content = _checked_draft(content)
    if not signed_in and not ratelimit.hit(ratelimit.limit("confirm-email"), content.contact_email.lower()):
        raise Refused(
            _(
                "Several confirmation e-mails were already sent to this address today. Open one of them, "
                "or try again tomorrow."
            ),
            field="contact_email",
        )
    checked = files.check_uploads(uploads)
    with files.stored_first(checked):
        initiative = _initiative_rows(actor if signed_in else None, campaign, unit, content, on_behalf, checked, now)
    if notify:
        if initiative.status == Initiative.Status.PENDING:
            _send_confirmation(initiative)
        else:
            _tell_received(initiative)
    return initiative


def _initiative_rows(actor, campaign, unit, content: InitiativeDraft, on_behalf, checked, now) -> Initiative:
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                at = now or timeutils.now()
                initiative = Initiative(
                    campaign=campaign,
                    unit=unit,
                    on_behalf=on_behalf,
                    created_at=at,
                    created_by=actor,
                    author_user=actor if actor is not None and not on_behalf else None,
                    **asdict(content),
                )
                initiative.search_text = search_text(initiative)
                initiative.save()
                for order, item in enumerate(checked):
                    InitiativeFile.objects.create(
                        initiative=initiative, stored=files.stored_file(item), name=item.name, order=order
                    )
                if actor is not None:
                    _mark_submitted(initiative, at)
                log_action(
                    actor=actor,
                    action="initiative.submit" if actor is not None else "initiative.draft",
                    obj=initiative,
                    changes={
                        "status": [None, initiative.status],
                        "code": [None, initiative.code],
                        "unit": [None, unit.code],
                        "on_behalf": [None, on_behalf],
                        "files": [None, [f"{i.name} sha256:{i.sha256}" for i in checked]],
                    },
                )
                if actor is not None:
                    feed_counts(actor, initiative, at)
                return initiative
        except IntegrityError:
            # Two initiatives took the same number at the same instant: take the next one.
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def feed_counts(actor, initiative: Initiative, at: dt.datetime | None = None, units=()) -> None:
    if is_paused():
        return
    initiatives_feed(
        actor=actor,
        campaign=initiative.campaign,
        units=[initiative.unit, *units],
        as_of=timeutils.local(at or timeutils.now()).date(),
    )


def initiative_screen(*, actor, initiative: Initiative, now: dt.datetime | None = None) -> Initiative:
    """A coordinator has looked at an initiative sent without an account and finds it genuine: from
    now on it counts in its unit's official figures. Screening twice changes nothing."""
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=initiative.pk)
        )
        if initiative.status in (Initiative.Status.PENDING, Initiative.Status.MERGED):
            raise Refused(_("Only submitted initiatives are screened."))
        if initiative.screened_at is not None or initiative.created_by_id is not None:
            return initiative
        at = now or timeutils.now()
        initiative.screened_at, initiative.screened_by = at, actor
        initiative.save(update_fields=["screened_at", "screened_by"])
        log_action(actor=actor, action="initiative.screen", obj=initiative, changes={"screened": [False, True]})
        feed_counts(actor, initiative, at)
    return initiative


def initiative_files_add(
    *, actor, initiative: Initiative, uploads: list[tuple[str, bytes]], now: dt.datetime | None = None
) -> list[InitiativeFile]:
    """The author adds files to a submitted initiative (an author without an account does it after
    confirming the address, through the tracking link). Open initiatives only; at most
    SUBMISSION_MAX_FILES in all."""
    if not uploads:
        raise Refused(_("Choose at least one file."), field=files.FIELD)
    if initiative.status == Initiative.Status.PENDING or not initiative.is_open:
        raise Refused(_("Files can be added while the council has not published its decision."), field=files.FIELD)
    checked = files.check_uploads(uploads)
    if initiative.files.count() + len(checked) > settings.SUBMISSION_MAX_FILES:
        raise Refused(
            _("At most %(n)s files in all for an initiative.") % {"n": settings.SUBMISSION_MAX_FILES}, field=files.FIELD
        )
    with files.stored_first(checked), transaction.atomic():
        start = initiative.files.count()
        added = [
            InitiativeFile.objects.create(
                initiative=initiative, stored=files.stored_file(item), name=item.name, order=start + n
            )
            for n, item in enumerate(checked)
        ]
        log_action(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action="initiative.files_add",
            obj=initiative,
            changes={"files": [None, [f"{i.name} sha256:{i.sha256}" for i in checked]]},
        )
    return added


def initiative_confirm_email(*, initiative: Initiative, now: dt.datetime | None = None, notify: bool = True):
    """The author opened the signed link: the initiative is submitted and gets its tracking code.
    Opening the link again changes nothing."""
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
                if initiative.status != Initiative.Status.PENDING:
                    return initiative
                at = now or timeutils.now()
                initiative.email_confirmed_at = at
                _mark_submitted(initiative, at)
                log_action(
                    actor=None,
                    action="initiative.confirm",
                    obj=initiative,
                    changes={"status": [Initiative.Status.PENDING, initiative.status], "code": [None, initiative.code]},
                    reason=_("e-mail address confirmed"),
                )
                feed_counts(None, initiative, at)
            break
        except IntegrityError:
            if attempt == RETRIES - 1:
                raise
    if notify:
        _tell_received(initiative)
    return initiative


def _send_confirmation(initiative: Initiative) -> None:
    url = site_url(reverse("initiatives:confirm", args=[confirm_token(initiative)]))
    with translation.override("vi"):
        # Nothing the sender typed goes into this e-mail: it reaches an address nobody has verified yet.
        subject = _("Confirm your e-mail address to send your initiative")
        body = render_to_string(
            "initiatives/email/confirm.txt",
            {"i": initiative, "url": url, "days": CONFIRM_MAX_AGE.days},
        )
    email_send(to=[initiative.contact_email], subject=subject, body=body)


def _tell_received(initiative: Initiative) -> None:
    with translation.override("vi"):
        subject = _("Initiative received — tracking code %(code)s") % {"code": initiative.code}
        body = render_to_string("initiatives/email/received.txt", {"i": initiative})
        tell_author(initiative, subject=subject, body=body)
        text = _("New initiative %(code)s from %(unit)s: %(title)s") % {
            "code": initiative.code,
            "unit": initiative.unit.name,
            "title": initiative.title,
        }
        notify_users(
            campaign_coordinators(initiative.campaign),
            text=text,
            url=reverse("initiatives:detail", args=[initiative.code]),
        )


# --- questions ----------------------------------------------------------------------------------


def question_ask(*, actor, initiative: Initiative, text: str, notify: bool = True, now=None) -> Question:
    """The coordinator or a reviewer asks the author something; the author is told."""
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write the question."))
    if initiative.status in (Initiative.Status.PENDING, Initiative.Status.MERGED):
        raise Refused(_("This initiative takes no more questions."))
    with transaction.atomic():
        question = Question.objects.create(
            initiative=initiative, text=text[:5000], asked_by=actor, asked_at=now or timeutils.now()
        )
        log_action(actor=actor, action="initiative.question", obj=initiative, changes={"question": [None, text]})
    if notify:
        with translation.override("vi"):
            subject = _("A question about your initiative %(code)s") % {"code": initiative.code}
            body = render_to_string("initiatives/email/question.txt", {"i": initiative, "q": question})
            tell_author(initiative, subject=subject, body=body)
    return question


def question_answer(*, actor, question: Question, answer: str, notify: bool = True, now=None) -> Question:
    """The author answers (through the tracking link when `actor` is None). One answer a question;
    the council asks again if it needs more."""
    answer = (answer or "").strip()
    if not answer:
        raise Refused(_("Write the answer."))
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).select_related("initiative").get(pk=question.pk)
        if question.answered_at:
            raise Refused(_("This question has already been answered."))
        question.answer = answer[:10000]
        question.answered_at = now or timeutils.now()
        question.answered_by = actor if getattr(actor, "pk", None) else None
        question.save(update_fields=["answer", "answered_at", "answered_by"])
        log_action(actor=actor, action="initiative.answer", obj=question.initiative, changes={"answer": [None, answer]})
    if notify:
        initiative = question.initiative
        with translation.override("vi"):
            text = _("The author of %(code)s answered your question.") % {"code": initiative.code}
        notify_users([question.asked_by], text=text, url=reverse("initiatives:detail", args=[initiative.code]))
    return question


# --- duplicates ---------------------------------------------------------------------------------


def initiative_merge(
    *, actor, duplicate: Initiative, into: Initiative, reason: str = "", notify: bool = True
) -> Initiative:
    """Merge a duplicate into another initiative of the same campaign: it no longer counts, its
    page points to the other, its author is told. Only before the council publishes a decision."""
    reason = (reason or "").strip()
    with transaction.atomic():
        # Both rows locked in id order, so two merges the other way round cannot deadlock.
        rows = Initiative.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk]).order_by("pk")
        locked = {i.pk: i for i in rows}
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if duplicate.pk == into.pk:
            raise Refused(_("An initiative cannot be merged into itself."))
        if duplicate.campaign_id != into.campaign_id:
            raise Refused(_("Both initiatives must belong to the same campaign."))
        if not duplicate.is_open:
            raise Refused(
                _("%(code)s is “%(status)s”: only initiatives not yet decided can be merged.")
                % {"code": duplicate.code, "status": duplicate.get_status_display()}
            )
        if into.status in (Initiative.Status.PENDING, Initiative.Status.MERGED):
            raise Refused(_("%(code)s cannot receive a merge.") % {"code": into.code or "—"})
        before = {"status": duplicate.status, "merged_into": None, "decision": duplicate.decision}
        duplicate.status = Initiative.Status.MERGED
        duplicate.merged_into = into
        duplicate.decision, duplicate.decision_reason, duplicate.decided_at, duplicate.decided_by = "", "", None, None
        duplicate.save()
        log_action(
            actor=actor,
            action="initiative.merge",
            obj=duplicate,
            changes={
                "status": [before["status"], duplicate.status],
                "merged_into": [None, into.code],
                "decision": [before["decision"] or None, None],
            },
            reason=reason,
        )
        # Those merged into the duplicate follow it, so nothing points to a merged initiative.
        for child in Initiative.objects.select_for_update().filter(merged_into=duplicate):
            child.merged_into = into
            child.save(update_fields=["merged_into"])
            log_action(
                actor=actor,
                action="initiative.merge",
                obj=child,
                changes={"merged_into": [duplicate.code, into.code]},
                reason=reason,
            )
        feed_counts(actor, duplicate, units=[into.unit])
    if notify:
        with translation.override("vi"):
            codes = {"code": duplicate.code, "into": into.code}
            subject = _("Your initiative %(code)s was merged into %(into)s") % codes
            body = render_to_string("initiatives/email/merged.txt", {"i": duplicate, "into": into, "reason": reason})
            tell_author(duplicate, subject=subject, body=body)
    return duplicate


def unconfirmed_purge(*, older_than: dt.timedelta = dt.timedelta(days=7), now: dt.datetime | None = None) -> int:
    """Delete initiatives whose e-mail was never confirmed (the link is long expired), with their
    attachments when nothing else uses the same bytes. Nobody ever saw them; the audit keeps a line."""
    cutoff = (now or timeutils.now()) - older_than
    stale = list(Initiative.objects.filter(status=Initiative.Status.PENDING, created_at__lt=cutoff))
    hashes: set[str] = set()
    with transaction.atomic():
        for initiative in stale:
            hashes |= set(initiative.files.values_list("stored__sha256", flat=True))
            log_action(
                actor=None,
                action="initiative.purge_unconfirmed",
                obj=initiative,
                changes={"created_at": [initiative.created_at, None]},
            )
            initiative.files.all().delete()
            initiative.delete()
        unused = StoredFile.objects.filter(sha256__in=hashes).unreferenced()
        gone = list(unused.values_list("sha256", flat=True))
        unused.delete()
    files.discard_unused(gone)  # after the commit: the rows that pointed to them are gone
    return len(stale)


FILE_DOWNLOAD = "initiative_file.download"


def file_download_record(*, actor, item: InitiativeFile, via_track_link: bool = False):
    """Who downloaded which file attached to an initiative (the author through the tracking link
    counts as "no account"), with the SHA-256 of its bytes."""
    changes = {
        "initiative": [None, item.initiative.code],
        "file": [None, item.name],
        "size": [None, item.stored.size],
        "sha256": [None, item.stored.sha256],
    }
    if via_track_link:
        changes["via"] = [None, "track_link"]
    return log_action(actor=actor, action=FILE_DOWNLOAD, obj=item.initiative, changes=changes)
