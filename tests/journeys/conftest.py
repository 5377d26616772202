"""Browser journeys: headless Chromium (Debian's package) driven by Playwright against a live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety check is relaxed
here (the test thread itself only sets up data).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tests.sso.fixtures import idp, sso_world  # noqa: F401  (the single sign-on journey)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MISPER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys"
PASSWORD = "a-long-test-password-1"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip("chromium is not installed: run `bash scripts/ensure-chromium.sh`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    force: object
    la: object
    calltaker: object
    supervisor: object
    child: object


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """A force with a call handler and a supervisor, and a known child at risk of sexual exploitation with a
    trigger plan whose minimum risk is high."""
    from django.utils import timezone

    from misper.accounts.models import AgencyKind, Role
    from misper.partners.models import TriggerPlan
    from misper.people.models import VulnerabilityFlag
    from tests.factories import agency_make, child_make, user_make

    force = agency_make(AgencyKind.POLICE_FORCE, code="journey-force", name="Journeyshire Police")
    la = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="journey-la", name="Journeyshire Council", police_area=force
    )
    # Demo users sign in with a password alone (demo mode); two-factor sign-in has its own tests.
    calltaker = user_make(force, Role.CALL_HANDLER, username="calltaker", is_demo=True)
    supervisor = user_make(force, Role.SUPERVISOR, username="supervisor", is_demo=True)
    child = child_make(
        force,
        given_name="Caitlin",
        family_name="Smith",
        looked_after=True,
        placement_type="residential_home",
        placing_authority=la,
        description="Short, dark curly hair; nose piercing.",
    )
    today = timezone.localdate()
    VulnerabilityFlag.objects.create(child=child, code="cse_risk", noted_on=today - timedelta(days=30))
    TriggerPlan.objects.create(
        child=child,
        minimum_risk="high",
        actions=["Ring the CSE team on 01632 960001", "Check 14 Mill Lane"],
        agreed_by="Strategy meeting",
        agreed_on=today - timedelta(days=10),
    )
    return Cast(force, la, calltaker, supervisor, child)


def axe_check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page; fail on serious or critical violations (printed with their nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    for v in violations:
        print(f"[axe {name}] {v['impact']}: {v['id']} — {v['help']}")
        for node in v["nodes"][:5]:
            print(f"    {node['target']}: {node.get('failureSummary', '')[:400].replace(chr(10), ' ')}")
    assert not blocking, f"{name}: {[v['id'] for v in blocking]}"


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def axe():  # type: ignore[no-untyped-def]
    return axe_check


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    return screenshot
