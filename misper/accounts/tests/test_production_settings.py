"""Production refuses unsafe settings: each unsafe value, started for real in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from misper.config.production import production_refusals

REPO = Path(__file__).resolve().parents[3]
GOOD_KEY = "q8Vn2pXr7Lk4Tz9Wm3Yb6Hc1Jd5Fg0Sa-Ue8Io2Pl7Kj4Mn6Bv9Cx3Zq1Wr5Ty_T"
SHOW = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS)"
)


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    """Import misper's settings in a fresh interpreter with ``env`` (production unless told)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("MISPER_")}
    full |= {
        "MISPER_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "misper.config.settings",
        "PYTHONPATH": str(REPO),
    }
    full["MISPER_AUDIT_KEY"] = "test:" + GOOD_KEY  # the access log's sealing key, also required
    full |= env
    code = f"import django; django.setup(); {SHOW}"
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "MISPER_SECRET_KEY is not set"),
        ({"MISPER_SECRET_KEY": ""}, "MISPER_SECRET_KEY is not set"),
        ({"MISPER_SECRET_KEY": "changeme"}, "well-known"),
        ({"MISPER_SECRET_KEY": "misper-demo-only-not-secret"}, "well-known"),
        ({"MISPER_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "well-known"),
        ({"MISPER_SECRET_KEY": "Zx8-short-but-random"}, "too short"),
        ({"MISPER_SECRET_KEY": "ab" * 40}, "too simple"),
        ({"MISPER_SECRET_KEY": GOOD_KEY, "MISPER_DEBUG": "1"}, "MISPER_DEBUG is on"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(env, reason):
    started = _start(**env)
    assert started.returncode != 0
    assert "misper refuses to start in production" in started.stderr
    assert reason in started.stderr


def test_production_starts_with_safe_settings_hsts_and_secure_cookies():
    started = _start(MISPER_SECRET_KEY=GOOD_KEY)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["False", "True", "True", "Lax", "True", "True", "31536000"]


def test_demo_mode_keeps_its_demo_key_and_plain_http_cookies():
    started = _start(MISPER_ENV="demo")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[:2] == ["False", "False"]


def test_production_sends_hsts_on_https(settings, client, db):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    resp = client.get("/sign-in", secure=True)
    assert resp["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_deploy_check_reports_each_unsafe_setting(settings, db):
    settings.DEMO_MODE = False
    settings.DEBUG = True
    settings.SECRET_KEY = "changeme"
    settings.SESSION_COOKIE_SECURE = False
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", deploy=True, fail_level="ERROR")
    text = str(refused.value)
    for reason in ("MISPER_DEBUG is on", "well-known", "cookies must be Secure", "HSTS"):
        assert reason in text


def test_refusals_name_every_problem_at_once():
    assert len(production_refusals(debug=True, secret_key="")) == 2
    assert production_refusals(debug=False, secret_key=GOOD_KEY) == []
