"""Filling the dashboard's fact table (``EpisodeFact``) from the records, in set-based SQL.

``facts_refresh()`` recomputes every episode's facts; ``facts_refresh(since=t)`` only those of people
with an episode, a child record or a return interview changed at or after ``t`` (all of that person's
episodes, because the repeat windows of their later episodes depend on the earlier ones). Both are
idempotent: one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` per batch, on PostgreSQL and SQLite alike.
Services that add a review, an assessment or a safe and well check save the episode too, so its
``updated_at`` moves and the incremental refresh sees it.

Figures read facts through ``misper.analytics.figures.base.visible_facts(user)``: the one access rule
(``child_access_q``, via ``visible_children``) applied to facts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from misper.analytics.definitions import force_repeat, national_repeat
from misper.analytics.figures.base import annotate_age, episodes_within, since_expression
from misper.analytics.figures.outcomes import CATEGORIES, SIDES, window_count
from misper.analytics.models import EpisodeFact, FactsRefresh
from misper.episodes.models import (
    ApprovalStatus,
    AssessmentKind,
    Episode,
    Review,
    RiskAssessment,
    SafeAndWellCheck,
)
from misper.partners.models import InterviewStatus, ReturnInterview
from misper.people.models import Child

FULL_EVERY = timedelta(hours=24)
BATCH = 200_000  # episodes per statement on a full refresh: bounded transactions, steady progress
OFFERED = (
    InterviewStatus.OFFERED,
    InterviewStatus.ACCEPTED,
    InterviewStatus.DECLINED,
    InterviewStatus.COMPLETED,
)


def facts_as_of() -> datetime | None:
    """When the facts were last refreshed, or None if never."""
    last = FactsRefresh.objects.order_by("-refreshed_at").first()
    return last.refreshed_at if last else None


def _exists(model: type, q: Q | None = None) -> Exists:
    return Exists(model.objects.filter(q or Q(), episode=OuterRef("pk")))  # type: ignore[attr-defined]


def _interview(q: Q | None = None) -> Exists:
    return _exists(ReturnInterview, q)


def _source(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """``episodes`` as rows of fact columns, every column an annotation named ``fact_<column>``."""
    changed = Q(kind=AssessmentKind.SUPERVISOR) | Q(approval_status=ApprovalStatus.REJECTED)
    completed = Q(status=InterviewStatus.COMPLETED)
    first_review = Review.objects.filter(episode=OuterRef("pk")).order_by().values("episode")
    who = Case(
        When(found_with_associate__isnull=False, then=Value("associate")),
        When(~Q(found_with=""), then=Value("named")),
        default=Value("none"),
        output_field=CharField(),
    )
    columns = {
        "episode_id": F("pk"),
        "child_id": F("child_id"),
        "child_pk": F("child_id"),
        "child_force_id": F("child__force_id"),
        "child_placing_authority_id": F("child__placing_authority_id"),
        "child_host_authority_id": F("child__host_authority_id"),
        "child_care_provider_id": F("child__care_provider_id"),
        "force_id": F("force_id"),
        "reported_at": F("reported_at"),
        "month": TruncMonth("reported_at", output_field=DateField()),
        "since_at": since_expression(),
        "found_at": F("found_at"),
        "closed_at": F("closed_at"),
        "age": F("age"),
        "age_group": F("age_group"),
        "category": F("category"),
        "risk": F("risk"),
        "sex": F("child__sex"),
        "ethnicity": F("child__ethnicity"),
        "looked_after": F("child__looked_after"),
        "out_of_area": F("child__out_of_area"),
        "beat": F("beat"),
        "missing_from_id": F("missing_from_id"),
        "missing_from_beat": Coalesce("missing_from__beat", Value(""), output_field=CharField()),
        "missing_from_care": F("missing_from_care"),
        "first_review_at": Subquery(first_review.annotate(m=Min("reviewed_at")).values("m")),
        "changed": _exists(RiskAssessment, changed),
        "under_graded": _exists(RiskAssessment, Q(under_graded=True)),
        "checked": _exists(SafeAndWellCheck),
        "safe_and_well_not_done_reason": F("safe_and_well_not_done_reason"),
        "referred": _interview(),
        "offered": _interview(Q(status__in=OFFERED) | Q(offered_at__isnull=False)),
        "completed": _interview(completed),
        "completed_in_72h": _interview(
            completed & Q(completed_at__isnull=False, completed_at__lte=F("due_at"))
        ),
        "return_method": F("return_method"),
        "harm_disclosed": F("harm_disclosed"),
        "offences": Case(When(offences_identified="", then=False), default=True, output_field=BooleanField()),
        "found_kind": Coalesce("found_location__kind", Value(""), output_field=CharField()),
        "found_with_kind": who,
        "window_force": Coalesce(episodes_within(force_repeat().days), 0),
        "window_national": Coalesce(episodes_within(national_repeat().days), 0),
        **_interview_windows(),
    }
    aliased = {f"fact_{name}": expr for name, expr in columns.items()}
    return annotate_age(episodes).order_by().annotate(**aliased).values(*aliased)


def _interview_windows() -> dict[str, Case]:
    """When the episode's return interview was completed (null unless it was), and the person's missing
    and absent episodes in the 90 days before and after that (``outcome_remissing``): counted from the
    episodes, which are the facts this refresh writes for the same person."""
    done = Q(return_interview__status=InterviewStatus.COMPLETED, return_interview__completed_at__isnull=False)
    at = "return_interview__completed_at"
    columns: dict[str, Case] = {
        "rhi_completed_at": Case(When(done, then=F(at)), default=None, output_field=DateTimeField())
    }
    for side, before in SIDES.items():
        for cat in CATEGORIES:
            count = window_count(Episode, "child", at, before, cat)
            columns[f"rhi_{side}_{cat}"] = Case(When(done, then=count), default=Value(0))
    return columns


def _column(name: str) -> str:
    """The fact table's column for a ``_source`` name (``child_id`` is the ``child`` key's column)."""
    fields = {f.name: f.column for f in EpisodeFact._meta.concrete_fields}
    return fields.get(name) or fields[name.removesuffix("_id")]  # a foreign key: named without _id


def _upsert(episodes: QuerySet[Episode]) -> int:
    """Insert or update the facts of ``episodes`` in one statement; returns how many episodes' facts are
    now current. On PostgreSQL a fact whose values have not changed is not rewritten: a full refresh
    used to leave the table at twice its live size (1.1 GB against 0.57 GB nationally) until a
    ``VACUUM FULL``, and every national figure scans all of it."""
    qs = _source(episodes)
    compiler = qs.query.get_compiler(connection=connection)
    select_sql, params = compiler.as_sql()
    names = [alias.removeprefix("fact_") for _, _, alias in compiler.select]
    cols = [connection.ops.quote_name(_column(n)) for n in names]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
    table = connection.ops.quote_name(EpisodeFact._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) {select_sql} ON CONFLICT (episode_id) DO UPDATE SET {updates}"
    if connection.vendor == "postgresql":
        mine, theirs = (
            ", ".join(f"{table}.{c}" for c in cols[1:]),
            ", ".join(f"excluded.{c}" for c in cols[1:]),
        )
        sql += f" WHERE ({mine}) IS DISTINCT FROM ({theirs})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return episodes.count()


def _changed_children(since: datetime) -> QuerySet[Child]:
    """People with an episode, a child record or a return interview changed at or after ``since``."""
    return Child.objects.filter(
        Q(pk__in=Episode.objects.filter(updated_at__gte=since).values("child_id"))
        | Q(updated_at__gte=since)
        | Q(pk__in=ReturnInterview.objects.filter(_interview_moved(since)).values("episode__child_id"))
    )


def _interview_moved(since: datetime) -> Q:
    """Interviews referred, offered, accepted, declined or completed at or after ``since`` (a time
    entered as earlier than that is picked up by the daily full refresh)."""
    q = Q(pk__in=[])
    for name in ("referred_at", "offered_at", "accepted_at", "declined_at", "completed_at"):
        q |= Q(**{f"{name}__gte": since})
    return q


def facts_refresh(*, since: datetime | None = None, now: datetime | None = None) -> int:
    """Bring the facts up to date: all of them (``since`` None), or those of people changed since
    ``since``. Idempotent; safe to run while people work. Returns the fact rows written."""
    now = now or timezone.now()
    if since is None:
        written = _refresh_all()
    else:
        with transaction.atomic():
            written = _upsert(Episode.objects.filter(child__in=_changed_children(since).values("pk")))
    FactsRefresh.objects.update_or_create(
        full=since is None,
        defaults={
            "refreshed_at": now,
            "rows": written,
            "force_window_days": force_repeat().days,
            "national_window_days": national_repeat().days,
        },
    )
    return written


def _refresh_all() -> int:
    """Every episode's facts, in batches of ``BATCH`` episode ids, each batch its own transaction."""
    bounds = Episode.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    written = 0
    start = first or 0
    while last is not None and start <= last:
        with transaction.atomic():
            written += _upsert(Episode.objects.filter(pk__gte=start, pk__lt=start + BATCH))
        start += BATCH
    _analyze()
    return written


def _analyze() -> None:
    """Fresh planner statistics for the rewritten table (PostgreSQL), and, outside a transaction (the
    command, the worker), a VACUUM of the rows the refresh replaced. Without statistics a figure's plan
    can be built on the old row counts: a semi-join estimated at a few rows ran as a nested loop for
    40 s on a six-force database where it takes 40 ms; without the VACUUM every scan reads the table
    twice over until autovacuum gets to it."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(EpisodeFact._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {table}")


def facts_refresh_due(
    *,
    margin: timedelta = timedelta(minutes=5),
    full_every: timedelta = FULL_EVERY,
    now: datetime | None = None,
) -> int:
    """The periodic step (the alert worker's loop): an incremental refresh from a little before the
    last one (``margin`` covers writes still committing then), or a full one when there has been none
    for ``full_every`` (it catches what the incremental cannot see, such as back-dated interviews)."""
    now = now or timezone.now()
    last_full = FactsRefresh.objects.filter(full=True).values_list("refreshed_at", flat=True).first()
    last = facts_as_of()
    if last_full is None or last is None or now - last_full >= full_every:
        return facts_refresh(now=now)
    return facts_refresh(since=last - margin, now=now)
