"""Writes for misper.learning: feedback invites and answers, language flags, the recommendations tracker.

Each service takes keyword-only arguments, checks who is acting, and writes in one transaction with its
access event. Bad input raises ``InvalidInput`` naming the field and saves nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from misper.accounts.models import Role, User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes.models import Episode, Status
from misper.episodes.selectors import access_episode_by_id
from misper.learning.language import language_check
from misper.learning.models import (
    Answer,
    EvidenceLink,
    Feedback,
    FeedbackInvite,
    GivenBy,
    LanguageFlag,
    ProgressUpdate,
    Recommendation,
    RecommendationAction,
)
from misper.learning.permissions import require_tracker_editor

INVITE_DAYS = 30
QUESTIONS = ("listened", "respected", "blamed", "felt_safe")
# Each error names its question, so an error summary of several reads as a list of different things to do.
# Marked for the Welsh catalogue (gettext_noop: the API answers in English; the pages translate them).
QUESTION_ERRORS = {
    "listened": gettext_noop("Choose whether the police listened to you"),
    "respected": gettext_noop("Choose whether you were treated with respect"),
    "blamed": gettext_noop("Choose whether you felt blamed"),
    "felt_safe": gettext_noop("Choose whether you felt safe with the officer"),
}
COMMENT_TOO_LONG = gettext_noop("Your comment must be 2000 characters or fewer")
LINK_NOT_VALID = gettext_noop(
    "This feedback link has already been used or has expired. Thank you for trying."
)
NOT_BACK_YET = gettext_noop("Feedback can be asked for once the child is back: record them as found first.")
NOT_ALLOWED = gettext_noop("You cannot ask for feedback on this episode.")


def code_digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


# --- children's feedback -----------------------------------------------------------------------------


def _feedback_episode(user: User, episode_id: int) -> Episode:
    """The visible episode (404 otherwise), for police or a partner practitioner, once the child is back."""
    if not (user.is_police or user.role == Role.PARTNER_PRACTITIONER):
        raise PermissionDenied(NOT_ALLOWED)
    episode = access_episode_by_id(user, episode_id)
    if episode.status not in (Status.FOUND, Status.CLOSED):
        raise ConflictError(NOT_BACK_YET)
    return episode


def episode_coarse_fields(episode: Episode) -> dict[str, Any]:
    """What a feedback row may know about its episode: force, area, team, month. Nothing about the child."""
    team = next((u.team for u in (episode.owner, episode.created_by) if u is not None and u.team), "")
    area = episode.beat or (episode.missing_from.beat if episode.missing_from else "")
    return {
        "force_id": episode.force_id,
        "area": area[:40],
        "team": team[:80],
        "period": timezone.localtime(episode.reported_at).date().replace(day=1),
    }


def feedback_invite_create(*, episode_id: int, acting_user: User) -> tuple[FeedbackInvite, str]:
    """A single-use code (valid 30 days) for the child's own feedback link. Returns the invite and the
    code; only the code's digest is stored, so the code cannot be shown again."""
    episode = _feedback_episode(acting_user, episode_id)
    code = secrets.token_urlsafe(12)
    now = timezone.now()
    with transaction.atomic():
        invite = FeedbackInvite.objects.create(
            digest=code_digest(code),
            episode=episode,
            created_by=acting_user,
            created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
        access_record(
            user=acting_user, action="create", record_type="feedback_invite", record_ids=[episode.pk]
        )
    return invite, code


def _answers_checked(answers: dict[str, Any]) -> dict[str, str]:
    errors = [FieldError(q, QUESTION_ERRORS[q]) for q in QUESTIONS if answers.get(q) not in Answer.values]
    comment = str(answers.get("comment") or "").strip()
    if len(comment) > 2000:
        errors.append(FieldError("comment", COMMENT_TOO_LONG))
    if errors:
        raise InvalidInput(errors)
    return {**{q: answers[q] for q in QUESTIONS}, "comment": comment}


def invite_usable(code: str) -> bool:
    """True when the code names an invite that is unused and unexpired (used to show the form)."""
    return FeedbackInvite.objects.filter(
        digest=code_digest(code), used=False, expires_at__gt=timezone.now()
    ).exists()


def feedback_submit(*, code: str, answers: dict[str, Any]) -> None:
    """The child's own answers, through their one-time code. Uses the code up in the same transaction as
    the feedback row; a used, expired or unknown code raises ConflictError and saves nothing."""
    clean = _answers_checked(answers)
    with transaction.atomic():
        invite = (
            FeedbackInvite.objects.select_related("episode", "episode__owner", "episode__created_by")
            .filter(digest=code_digest(code), used=False, expires_at__gt=timezone.now())
            .first()
        )
        if invite is None or FeedbackInvite.objects.filter(pk=invite.pk, used=False).update(used=True) != 1:
            raise ConflictError(LINK_NOT_VALID)
        Feedback.objects.create(given_by=GivenBy.CHILD, **episode_coarse_fields(invite.episode), **clean)


def feedback_record(*, episode_id: int, answers: dict[str, Any], acting_user: User) -> None:
    """A practitioner records the child's answers on their behalf. The row is as anonymous as the child's."""
    episode = _feedback_episode(acting_user, episode_id)
    clean = _answers_checked(answers)
    with transaction.atomic():
        Feedback.objects.create(given_by=GivenBy.ON_BEHALF, **episode_coarse_fields(episode), **clean)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])


# --- language flags ----------------------------------------------------------------------------------


def language_flags_record(*, findings: list[tuple[tuple[str, int], str, str]], acting_user: User) -> int:
    """One LanguageFlag per ((record_type, record_id), term_code, field). No text is stored."""
    if not findings or acting_user.agency_id is None:
        return 0
    now = timezone.now()
    rows = [
        LanguageFlag(
            force_id=acting_user.agency_id,
            record_type=rtype,
            record_id=rid,
            field=field,
            term=code,
            team=(acting_user.team or "")[:80],
            saved_at=now,
        )
        for (rtype, rid), code, field in findings
    ]
    with transaction.atomic():
        LanguageFlag.objects.bulk_create(rows)
    return len(rows)


def language_notes_record(
    *, texts: dict[str, tuple[str, tuple[str, int]]], child_age: int | None, acting_user: User
) -> list[dict[str, str]]:
    """The blame-language check for writes that have no page to hold them back (the API).

    ``texts`` maps a field name to (the text saved, (record_type, record_id) it was saved to). The write
    has already happened — an API client is never blocked — so each finding is counted as a flag, like a
    form's "Save anyway", and returned as a note for the client to show. Call inside the write's
    transaction.
    """
    notes: list[dict[str, str]] = []
    findings: list[tuple[tuple[str, int], str, str]] = []
    for field, (text, record) in texts.items():
        for finding in language_check(text, child_age=child_age):
            findings.append((record, finding.code, field))
            notes.append(
                {
                    "field": field,
                    "words": finding.matched,
                    "reason": finding.reason,
                    "suggestion": finding.suggestion,
                }
            )
    language_flags_record(findings=findings, acting_user=acting_user)
    return notes


# --- recommendations tracker -------------------------------------------------------------------------


def evidence_url_check(url: str) -> str:
    """A relative path inside misper (``/learning/feedback?…``) or an https URL; anything else refused."""
    url = url.strip()
    parts = urlsplit(url)
    internal = url.startswith("/") and not url.startswith("//") and not parts.scheme and not parts.netloc
    external = parts.scheme == "https" and bool(parts.netloc) and " " not in url
    if not (internal or external) or "\\" in url:
        raise InvalidInput(
            FieldError(
                "url", "Enter a page in misper starting with /, or a web address starting with https://"
            )
        )
    return url


def _saved[M: models.Model](obj: M, user: User, recommendation: Recommendation | None = None) -> M:
    """Validate (field errors as InvalidInput), save, and log the change against the recommendation."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput([FieldError(f, m) for f, ms in exc.message_dict.items() for m in ms]) from exc
    obj.save()
    target = recommendation or obj
    access_record(user=user, action="change", record_type="recommendation", record_ids=[target.pk])
    return obj


def recommendation_save(
    *, acting_user: User, recommendation: Recommendation | None = None, **data: Any
) -> Recommendation:
    """Create (``recommendation=None``) or update a recommendation in the user's force."""
    require_tracker_editor(acting_user)
    rec = recommendation or Recommendation(force=acting_user.agency)
    for name, value in data.items():
        setattr(rec, name, value)
    with transaction.atomic():
        if (
            Recommendation.objects.filter(force_id=rec.force_id, source=rec.source, reference=rec.reference)
            .exclude(pk=rec.pk)
            .exists()
        ):
            raise InvalidInput(
                FieldError("reference", "This source already has a recommendation with that reference")
            )
        _saved(rec, acting_user)
    return rec


def recommendation_action_save(
    *,
    acting_user: User,
    recommendation: Recommendation,
    action: RecommendationAction | None = None,
    **data: Any,
) -> RecommendationAction:
    require_tracker_editor(acting_user)
    act = action or RecommendationAction(recommendation=recommendation)
    for name, value in data.items():
        setattr(act, name, value)
    with transaction.atomic():
        return _saved(act, acting_user, recommendation)


def progress_update_add(
    *, acting_user: User, recommendation: Recommendation, text: str, on: date | None = None
) -> ProgressUpdate:
    require_tracker_editor(acting_user)
    update = ProgressUpdate(
        recommendation=recommendation,
        on=on or timezone.localdate(),
        text=text.strip(),
        by=acting_user,
        by_name=acting_user.get_full_name() or acting_user.username,
    )
    with transaction.atomic():
        return _saved(update, acting_user, recommendation)


def evidence_link_add(
    *, acting_user: User, recommendation: Recommendation, label: str, url: str
) -> EvidenceLink:
    require_tracker_editor(acting_user)
    link = EvidenceLink(recommendation=recommendation, label=label.strip(), url=evidence_url_check(url))
    with transaction.atomic():
        return _saved(link, acting_user, recommendation)


def recommendations_load(*, force: Any, source: str, items: tuple[tuple[str, str, str], ...]) -> int:
    """Add the given (reference, kind, text) recommendations to a force's tracker, keeping any that are
    already there (so a force's own edits survive a re-run). Returns how many were added."""
    with transaction.atomic():
        existing = set(
            Recommendation.objects.filter(force=force, source=source).values_list("reference", flat=True)
        )
        new = [
            Recommendation(force=force, source=source, reference=ref, kind=kind, text=text)
            for ref, kind, text in items
            if ref not in existing
        ]
        Recommendation.objects.bulk_create(new)
    return len(new)
