"""CSV downloads of the partner lists: the same rows and fields as the page, never a police-only field,
and each download a logged disclosure with the purpose given."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client

from misper.audit.models import AccessEvent
from misper.partners import lists, placements
from misper.partners.projections import INTERVIEW_QUEUE_COLUMNS, PLACEMENT_LIST_COLUMNS, row_for
from misper.partners.tests.pairs import FOUND_WITH
from misper.partners.tests.test_placements import _data, host  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

# Police-only facts on file for the paired children (see pairs.py): who she was found with, the
# offence, the officer's grading rationale, the associate's name and intelligence note.
POLICE_ONLY = (FOUND_WITH, "Trent", "Possession with intent", "Intelligence says", "county lines runner")
PURPOSE = "Monthly missing panel, November"


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _csv(resp) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert resp.status_code == 200, resp.content[:2000]
    assert resp["Content-Type"].startswith("text/csv")
    text = b"".join(resp.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def _page_ids(html: str, attr: str) -> list[int]:
    return [int(i) for i in re.findall(rf'{attr}="(\d+)"', html)]


@pytest.mark.parametrize("role", ["placing_authority", "return_interview_provider"])
def test_interview_csv_has_the_page_rows_and_no_police_only_field(pairs, role):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users[role])
    page = client.get("/return-interviews").content.decode()
    rows = _csv(client.post("/return-interviews/export.csv", {"purpose": PURPOSE}))

    assert (
        _page_ids(page, "data-interview-id")
        == [int(r["Interview"]) for r in rows]
        == [pairs.ours.interview.pk]
    )
    assert list(rows[0]) == [header for _, header in INTERVIEW_QUEUE_COLUMNS]
    assert rows[0]["Child"] == pairs.ours.child.full_name
    assert rows[0]["Child"] in page
    assert rows[0]["Status"] in page
    text = str(rows)
    for secret in POLICE_ONLY:
        assert secret not in text
    assert pairs.theirs.child.full_name not in text


def test_placement_csv_has_the_page_rows_and_no_police_only_field(pairs, host):  # type: ignore[no-untyped-def]  # noqa: F811
    placing = pairs.ours.users["placing_authority"]
    placements.placement_notice_create(data=_data(host, child_id=pairs.ours.child.pk), acting_user=placing)
    placements.placement_notice_create(
        data=_data(host, given_name="Nia", family_name="Newcomer", date_of_birth=date(2012, 5, 1)),
        acting_user=placing,
    )
    for user, listed in (
        (placing, lists.SENT),
        (host["worker"], lists.RECEIVED),
        (host["officer"], lists.RECEIVED),
    ):
        client = _web(user)
        page = client.get("/placements").content.decode()
        rows = _csv(client.post("/placements/export.csv", {"purpose": PURPOSE}))
        assert len(rows) == 2
        assert _page_ids(page, "data-notice-id") == [int(r["Notice"]) for r in rows]
        assert {r["List"] for r in rows} == {listed}
        assert list(rows[0]) == [header for _, header in PLACEMENT_LIST_COLUMNS]
        assert all(r["Child"] in page for r in rows)
        if listed == lists.RECEIVED:  # the received table shows known risks; the sent list is shorter
            assert all(r["Known risks"] in page for r in rows)
        for secret in POLICE_ONLY:
            assert secret not in str(rows)


def test_a_download_needs_a_purpose_and_is_logged_with_it(pairs):  # type: ignore[no-untyped-def]
    user = pairs.ours.users["placing_authority"]
    client = _web(user)
    for url in ("/return-interviews/export.csv", "/placements/export.csv"):
        r = client.post(url, {"purpose": "  "})
        assert r.status_code == 400
        body = r.content.decode()
        assert lists.ENTER_PURPOSE in body
        assert "There is a problem" in body
        assert "<title>Error: " in body
        assert client.post(url, {"purpose": "x" * 151}).status_code == 400
    assert not AccessEvent.objects.filter(action="export").exists()

    _csv(client.post("/return-interviews/export.csv", {"purpose": PURPOSE}))
    event = AccessEvent.objects.get(action="export")
    assert event.record_type == "return_interview"
    assert event.username == user.username
    assert event.purpose == f"CSV download: {PURPOSE}"
    assert event.record_ids == [str(pairs.ours.interview.pk)]


def test_police_get_their_forces_queue_and_outsiders_an_empty_csv(pairs):  # type: ignore[no-untyped-def]
    police = _csv(_web(pairs.calltaker).post("/return-interviews/export.csv", {"purpose": PURPOSE}))
    assert sorted(int(r["Interview"]) for r in police) == sorted(
        [pairs.ours.interview.pk, pairs.theirs.interview.pk]
    )
    care_home = _csv(
        _web(pairs.ours.users["care_provider"]).post("/return-interviews/export.csv", {"purpose": PURPOSE})
    )
    assert care_home == []  # the care home sees the child, but the interview is not its work


def test_a_row_holds_only_allowed_columns():  # type: ignore[no-untyped-def]
    row = row_for(INTERVIEW_QUEUE_COLUMNS, {"id": 1, "found_with": FOUND_WITH, "rationale": "x"})
    assert set(row) == {name for name, _ in INTERVIEW_QUEUE_COLUMNS}
    assert FOUND_WITH not in row.values()


def test_cells_that_a_spreadsheet_would_run_are_quoted():  # type: ignore[no-untyped-def]
    row = {name: "" for name, _ in INTERVIEW_QUEUE_COLUMNS} | {"id": 7, "child_name": "=HYPERLINK(1)"}
    text = "".join(lists.rows_csv("return_interview", [row]))
    assert "'=HYPERLINK(1)" in text
