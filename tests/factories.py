"""Small factories for tests: each makes one valid record with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from misper import risk
from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.episodes.models import Action, Episode
from misper.people.models import Child, VulnerabilityFlag

_seq = itertools.count(1)


def agency_make(kind: str = AgencyKind.POLICE_FORCE, **kw: Any) -> Agency:
    n = next(_seq)
    kw.setdefault("code", f"{kind[:6]}-{n}")
    kw.setdefault("name", f"Test {kind.replace('_', ' ')} {n}")
    return Agency.objects.create(kind=kind, **kw)


def user_make(agency: Agency, role: str = Role.CALL_HANDLER, **kw: Any) -> User:
    n = next(_seq)
    kw.setdefault("username", f"user-{role}-{n}")
    user = User(agency=agency, role=role, first_name="Test", last_name=f"User{n}", **kw)
    user.set_password("a-long-test-password-1")
    user.save()
    return user


def child_make(force: Agency, **kw: Any) -> Child:
    n = next(_seq)
    kw.setdefault("ref", f"C-T{n}")
    kw.setdefault("given_name", "Testchild")
    kw.setdefault("family_name", f"Number{n}")
    kw.setdefault("date_of_birth", date(2011, 5, 17))
    kw.setdefault("sex", "female")
    return Child.objects.create(force=force, **kw)


def episode_make(child: Child, reported_at: datetime | None = None, **kw: Any) -> Episode:
    n = next(_seq)
    reported_at = reported_at or timezone.now() - timedelta(hours=2)
    kw.setdefault("reference", f"TST-{n:06d}")
    kw.setdefault("last_seen_at", reported_at - timedelta(hours=1))
    return Episode.objects.create(force=child.force, child=child, reported_at=reported_at, **kw)


def session_second_factor_pass(client: Any, user: User) -> None:
    """Mark a Django test ``client``'s signed-in session as having passed the second factor, as
    ``django_otp.login`` does at the code step (a confirmed authenticator is made for ``user`` if they
    have none). For test clients and benchmarks that sign in with ``force_login``; the root
    ``conftest.py`` applies it to every ``force_login`` in the tests."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def episode_version(episode_id: int) -> int:
    """The episode's version now: tests name it in every edit, as a client names the version it read."""
    return int(Episode.objects.values_list("version", flat=True).get(pk=episode_id))


def decided_episode_version(assessment_id: int) -> int:
    """The version of the episode an assessment belongs to: what a supervisor's decision names."""
    return int(Episode.objects.values_list("version", flat=True).get(assessments__pk=assessment_id))


def action_version(action_id: int) -> int:
    return int(Action.objects.values_list("version", flat=True).get(pk=action_id))


def flag_version(flag_id: int) -> int:
    return int(VulnerabilityFlag.objects.values_list("version", flat=True).get(pk=flag_id))


def risk_answers_post(yes: tuple[str, ...] = (), not_known: tuple[str, ...] = ()) -> dict[str, str]:
    """The risk questions of a posted report or risk tool form (``episodes.forms.RiskAnswersMixin``), every
    one answered: ``yes`` and ``not_known`` as given, no to the rest (what an unticked box used to mean)."""
    return {
        f"answer_{code}": "yes" if code in yes else "not_known" if code in not_known else "no"
        for code in risk.INDICATORS
    }
