"""Retention decisions: retain a record past its review date, or dispose of it and every derived copy.

Both run in one transaction with their access event. Disposal leaves an ``erase`` event holding only the
record type, its id, who, when and the reason; the access log itself is never touched, so its hash chain
still verifies.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count, Model, Q
from django.db.models.deletion import Collector
from django.http import Http404, HttpRequest
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.models import ChangeRecord, RetentionDecision
from misper.audit.retention.selectors import DueRecord, can_review_retention, retention_record
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes.models import Episode
from misper.learning.models import LanguageFlag
from misper.national.models import NationalRecord, ReviewPair
from misper.partners.models import Meeting, MissingNotification
from misper.people.models import Child, Location

REVIEWERS_ONLY = "Only auditors and administrators can make retention decisions."
NOT_DUE = "This record is not due for review yet."
RATIONALE_REQUIRED = "Enter why the record should be kept"
NEXT_REVIEW_REQUIRED = "Enter the date of the next review"
NEXT_REVIEW_FUTURE = "The next review date must be in the future"
REASON_REQUIRED = "Enter why the record is being disposed of"
DISPOSAL_PURPOSE = "retention disposal: {reason}"
REVIEW_PURPOSE = "retention review"
NAME_KEY_LABEL = "people.ChildNameKey"


def _reviewed(user: User, record_type: str, record_id: int) -> DueRecord:
    """The record, if the user may review it and it is due; PermissionDenied, 404 or ConflictError."""
    if not can_review_retention(user):
        raise PermissionDenied(REVIEWERS_ONLY)
    record = retention_record(user, record_type, record_id)
    if record is None:
        raise Http404("No such record in the review schedule")
    if not record.is_due:
        raise ConflictError(NOT_DUE)
    return record


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(FieldError(field, message))
    return text


def retention_retain(
    *,
    record_type: str,
    record_id: int,
    rationale: str,
    next_review_on: date | None,
    acting_user: User,
    request: HttpRequest | None = None,
) -> RetentionDecision:
    """Keep a due record until ``next_review_on`` (a future date), with the reviewer's ``rationale``.

    Needs a reviewer (``can_review_retention``) and a record of their force that is due; raises
    InvalidInput for a blank rationale or a missing or past date. Saves nothing on any error."""
    errors = []
    if not (rationale or "").strip():
        errors.append(FieldError("rationale", RATIONALE_REQUIRED))
    if next_review_on is None:
        errors.append(FieldError("next_review_on", NEXT_REVIEW_REQUIRED))
    elif next_review_on <= timezone.localdate():
        errors.append(FieldError("next_review_on", NEXT_REVIEW_FUTURE))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        _reviewed(acting_user, record_type, record_id)
        decision = RetentionDecision.objects.create(
            record_type=record_type,
            record_id=record_id,
            force=acting_user.agency,
            reviewer=acting_user,
            reviewer_name=acting_user.get_full_name() or acting_user.username,
            decided_at=timezone.now(),
            rationale=rationale.strip(),
            next_review_on=next_review_on,  # type: ignore[misc]
        )
        access_record(
            user=acting_user,
            action="retain",
            record_type=record_type,
            record_ids=[record_id],
            purpose=REVIEW_PURPOSE,
            request=request,
        )
    return decision


def retention_dispose(
    *,
    record_type: str,
    record_id: int,
    reason: str,
    acting_user: User,
    request: HttpRequest | None = None,
) -> Counter[str]:
    """Remove a due record and every derived copy; return the rows removed, by model label.

    An episode goes with its assessments, reviews, actions, status changes, safe-and-well check, return
    interview, alerts, idempotency keys, feedback invites, the care home's notification it came from, its
    own force's national-return copy, and the change history and language flags of all of those. If it
    was the child's last episode, the child goes too: aliases, flags, places, associate links, CAWNs,
    name keys, trigger plans, care profile, placement notices, meetings about the child alone, national
    copies and history.
    Writes one ``erase`` event per record (ids only). Needs a reviewer and a due record."""
    reason = _text(reason, "reason", REASON_REQUIRED)
    purpose = DISPOSAL_PURPOSE.format(reason=reason)[:200]
    with transaction.atomic():
        _reviewed(acting_user, record_type, record_id)
        if record_type == "episode":
            removed, child = _episode_dispose(record_id)
            access_record(
                user=acting_user, action="erase", record_type="episode", record_ids=[record_id],
                purpose=purpose, request=request,
            )  # fmt: skip
            if child is None:
                return removed
            record_id = child.pk
        else:
            child = Child.objects.select_for_update().get(pk=record_id)
            removed = Counter()
        removed += _child_dispose(child)
        access_record(
            user=acting_user, action="erase", record_type="child", record_ids=[record_id],
            purpose=purpose, request=request,
        )  # fmt: skip
    return removed


def _episode_dispose(episode_id: int) -> tuple[Counter[str], Child | None]:
    """Delete the episode and its copies; also return its child if it has no episode left."""
    episode = Episode.objects.select_for_update().select_related("child", "force").get(pk=episode_id)
    child = episode.child
    removed = _delete_all(MissingNotification.objects.filter(episode=episode))
    removed += _delete_all(
        NationalRecord.objects.filter(source=episode.force.code, ref=child.ref, episode_key=episode.reference)
    )
    removed += _delete_with_copies([episode])
    return removed, (None if child.episodes.exists() else child)


def _child_dispose(child: Child) -> Counter[str]:
    """Delete the child (with no episode left) and its copies, and places now used by nothing else."""
    places = {child.home_address_id, child.placement_address_id}
    places |= set(child.places.values_list("location_id", flat=True))
    source, ref = child.force.code, child.ref
    removed = _delete_all(NationalRecord.objects.filter(source=source, ref=ref))
    removed += _delete_all(
        ReviewPair.objects.filter(Q(left_source=source, left_ref=ref) | Q(right_source=source, right_ref=ref))
    )
    # A meeting about this child alone is the child's record; one about several keeps its notes.
    only_this = Meeting.objects.filter(children=child).annotate(n=Count("children")).filter(n=1)
    removed += _delete_all(Meeting.objects.filter(pk__in=list(only_this.values_list("pk", flat=True))))
    # Aliases first: their post_delete receiver rebuilds the child's name keys, which must then go too.
    name_keys = child.name_keys.count()  # the receiver's rebuild deletes some uncounted
    removed += _delete_with_copies(list(child.aliases.all()))
    removed += _delete_with_copies([child])
    removed[NAME_KEY_LABEL] = name_keys
    removed += _delete_all(Location.objects.filter(pk__in=[p for p in places if p and _unused(p)]))
    return removed


def _unused(location_id: int) -> bool:
    """True when no row of any kind refers to the location any more."""
    for rel in Location._meta.related_objects:
        if rel.related_model._default_manager.filter(**{rel.field.name: location_id}).exists():
            return False
    return True


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _delete_with_copies(objs: list[Model]) -> Counter[str]:
    """Delete ``objs`` with everything that cascades from them, then the change history, language flags
    and retention decisions that name any deleted row (those refer by type and id, not by foreign key)."""
    if not objs:
        return Counter()
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    rows: dict[str, set[Any]] = {}
    for model, instances in collector.data.items():
        _names(rows, model).update(i.pk for i in instances)
    for qs in collector.fast_deletes:
        _names(rows, qs.model).update(qs.values_list("pk", flat=True))
    removed = Counter(collector.delete()[1])
    for name, pks in rows.items():
        ids = [str(pk) for pk in pks]
        removed += _delete_all(ChangeRecord.objects.filter(record_type=name, record_id__in=ids))
        removed += _delete_all(LanguageFlag.objects.filter(record_type=name, record_id__in=pks))
    for name in ("episode", "child"):
        removed += _delete_all(
            RetentionDecision.objects.filter(record_type=name, record_id__in=rows.get(name, ()))
        )
    return +removed


def _names(rows: dict[str, set[Any]], model: type[Model]) -> set[Any]:
    """The pk set for a model, filed under every name its rows go by in history and language flags
    (the model name, as ``history_save`` writes it, and the snake-case class name, as views write it)."""
    names = {model._meta.model_name or "", _snake(model.__name__)}
    pks = next((rows[n] for n in names if n in rows), set())
    for name in names:
        rows[name] = pks
    return pks


def _delete_all(qs: Any) -> Counter[str]:
    return Counter(qs.delete()[1])
