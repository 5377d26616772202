from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

VIGNETTE_FILE = Path(__file__).resolve().parents[2] / "risk" / "tests" / "vignettes" / "public.json"
VIGNETTES = json.loads(VIGNETTE_FILE.read_text())


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v["id"])
def test_api_answers_exactly_what_the_cli_prints(world, api_as, vignette, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(vignette["input"]))
    cli = subprocess.run(
        [sys.executable, "-m", "misper.risk", str(path)], capture_output=True, text=True, check=True
    )
    resp = api_as(world.socialworker).post_json("/api/v1/assessments", vignette["input"])
    assert resp.status_code == 200
    assert resp.json() == json.loads(cli.stdout)


def test_invalid_document_names_the_field(world, api_as):
    resp = api_as(world.calltaker).post_json("/api/v1/assessments", {"format": "misper/1"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"]


def test_unknown_policy_is_a_field_error(world, api_as):
    resp = api_as(world.calltaker).post(
        "/api/v1/assessments?policy=nope",
        json.dumps(VIGNETTES[0]["input"]),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_as(world.calltaker).token}"},
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "policy"


def test_needs_a_token(api_as):
    assert api_as(None).post_json("/api/v1/assessments", VIGNETTES[0]["input"]).status_code == 401
