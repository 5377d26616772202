"""Pages and downloads: the figures on the page, in the CSV and from the API are identical; the PDF pack
is a PDF; roles and bad input are handled."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from misper.analytics.exports import cell_text
from misper.analytics.figures import REGISTRY
from misper.analytics.services import DASHBOARD_FORBIDDEN
from misper.audit.models import AccessEvent
from misper.people.models import Associate, ChildAssociate

pytestmark = pytest.mark.django_db
PARAMS = {"age_band": "", "sex": "female", "period_from": "2020-01-01"}
QUERY = "age_band=&sex=female&period_from=2020-01-01"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def page_table(page: str, code: str) -> list[list[str]]:
    """The cells of the table for figure ``code`` on a page, as text."""
    table = re.search(rf'data-figure-table="{code}">(.*?)</table>', page, re.S)
    assert table, code
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S) for r in rows]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in row] for row in cells if row]


def test_web_csv_and_api_show_identical_figures(world, dataset, api_as) -> None:
    page = signed_in(world.analyst).get(f"/dashboard?{QUERY}").content.decode()
    api = api_as(world.analyst).get_json("/api/v1/dashboard/figures", **PARAMS).json()
    by_code = {f["code"]: f for f in api["figures"]}
    assert set(by_code) == set(REGISTRY)
    client = signed_in(world.analyst)
    for code, figure in by_code.items():
        from_api = [figure["columns"]] + [[cell_text(v) for v in r] for r in figure["rows"]]
        response = client.get(f"/dashboard/figures/{code}.csv?{QUERY}")
        from_csv = list(csv.reader(io.StringIO(response.content.decode())))
        assert from_csv == from_api, code
        if figure["rows"]:
            assert page_table(page, code) == from_api, code


def test_xlsx_holds_the_same_numbers(world, dataset) -> None:
    response = signed_in(world.analyst).get(f"/dashboard/figures/volume_summary.xlsx?{QUERY}")
    ws = load_workbook(io.BytesIO(response.content))["volume_summary"]
    rows = [list(r) for r in ws.iter_rows(min_row=5, values_only=True)]
    assert rows[0][:7] == ["Episodes", 3, 1, 2, 0, 1, 7]  # the female people: Amy, Cal, Dee, Eve


def test_dashboard_page_has_charts_as_inert_json(world, dataset) -> None:
    page = signed_in(world.analyst).get("/dashboard").content.decode()
    assert 'id="fig-data-volume_by_month" type="application/json"' in page
    assert "chart.umd.min.js" in page
    assert "<script>" not in page  # no inline script (the CSP forbids it)


def test_pdf_pack_is_a_pdf_with_pages(world, dataset) -> None:
    month = dataset.now.strftime("%Y-%m")
    response = signed_in(world.supervisor).get(f"/dashboard/pack.pdf?month={month}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", response.content)) >= 2


def test_pdf_pack_bad_month_is_a_field_error(world, dataset) -> None:
    response = signed_in(world.supervisor).get("/dashboard/pack.pdf?month=March")
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"Enter a month as YYYY-MM" in response.content


def test_bad_filters_show_field_errors_and_no_figures(world, dataset) -> None:
    response = signed_in(world.analyst).get("/dashboard?period_from=2026-05-01&period_to=2026-01-01")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "must be the same as or after the start" in body
    assert "data-figure-table" not in body


def test_call_handler_may_not_see_the_dashboard(world, dataset) -> None:
    response = signed_in(world.calltaker).get("/dashboard")
    assert response.status_code == 403
    assert signed_in(world.calltaker).get("/dashboard/figures/volume_summary.csv").status_code == 403


def test_viewing_and_downloading_are_logged(world, dataset) -> None:
    c = signed_in(world.analyst)
    c.get("/dashboard")
    c.get("/dashboard/figures/volume_summary.csv")
    actions = list(AccessEvent.objects.filter(record_type="dashboard").values_list("action", flat=True))
    assert actions == ["view", "export"]


def test_profile_is_police_only(world, dataset) -> None:
    lee = Associate.objects.create(force=world.force, given_name="Lee", family_name="Specimen")
    for child in (dataset.amy, dataset.cal):
        ChildAssociate.objects.create(child=child, associate=lee)
    page = signed_in(world.analyst).get("/dashboard/profile?top=25").content.decode()
    assert "Lee Specimen" in page
    assert 'id="network-data"' in page
    assert "The 25 children most often missing" in page
    assert signed_in(world.socialworker).get("/dashboard/profile").status_code == 404
    assert signed_in(world.calltaker).get("/dashboard/profile").status_code == 404
    assert DASHBOARD_FORBIDDEN  # the words a refused role sees are a named constant


def test_profile_hotspots_are_listed_and_on_a_map_only_with_a_tile_server(world, dataset) -> None:
    from decimal import Decimal

    from django.test import override_settings

    from misper.people.models import Location

    Location.objects.filter(name="Larch House").update(latitude=Decimal("54.57"), longitude=Decimal("-1.23"))
    analyst = signed_in(world.analyst)
    page = analyst.get("/dashboard/profile?period_from=2020-01-01").content.decode()
    listed = re.search(r'data-testid="places-list">(.*?)</ul>', page, re.S)
    assert listed
    assert "Went missing from</strong>: Larch House" in listed.group(1)
    assert "(3 episodes, 1 child)" in listed.group(1)
    assert 'id="places-map"' not in page
    assert "leaflet.js" not in page
    with override_settings(MISPER_MAP_TILES="https://tiles.example.org/{z}/{x}/{y}.png"):
        resp = analyst.get("/dashboard/profile?period_from=2020-01-01")
    html_ = resp.content.decode()
    assert 'id="places-map"' in html_
    assert "leaflet.js" in html_
    assert '"lat": 54.57' in html_
    assert '"lon": -1.23' in html_
    assert "img-src 'self' data: https://tiles.example.org" in resp["Content-Security-Policy"]
    # Hotspots are police intelligence like the rest of the profile: partners and call takers get a 404.
    with override_settings(MISPER_MAP_TILES="https://tiles.example.org/{z}/{x}/{y}.png"):
        for user in (world.socialworker, world.calltaker):
            refused = signed_in(user).get("/dashboard/profile?period_from=2020-01-01")
            assert refused.status_code == 404
            assert "Larch House" not in refused.content.decode()
