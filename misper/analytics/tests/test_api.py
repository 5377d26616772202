"""GET /api/v1/dashboard/figures: the figures as JSON, with the access rule and field errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/figures"


def rows(response, code: str) -> dict[str, list[object]]:  # type: ignore[no-untyped-def]
    figure = next(f for f in response.json()["figures"] if f["code"] == code)
    return {r[0]: r[1:] for r in figure["rows"]}


def test_one_figure_by_code(world, dataset, api_as) -> None:
    response = api_as(world.analyst).get_json(URL, figure="volume_summary")
    assert response.status_code == 200
    body = response.json()
    assert [f["code"] for f in body["figures"]] == ["volume_summary"]
    assert rows(response, "volume_summary")["Episodes"] == [4, 1, 2, 0, 1, 8]
    assert body["definitions"]["national_repeat"].startswith("Repeat, national standard: 3 or more")


def test_partner_gets_only_their_children(world, dataset, api_as) -> None:
    response = api_as(world.socialworker).get_json(URL, figure="volume_summary")
    assert rows(response, "volume_summary")["Episodes"][-1] == 3


def test_bad_filter_is_a_422_naming_the_field(world, dataset, api_as) -> None:
    response = api_as(world.analyst).get_json(URL, period_from="yesterday", sex="x")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"period_from", "sex"}


def test_unknown_figure_is_a_422(world, dataset, api_as) -> None:
    response = api_as(world.analyst).get_json(URL, figure="nonsense")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "figure"


def test_roles_without_the_dashboard_get_403(world, dataset, api_as) -> None:
    assert api_as(world.calltaker).get_json(URL).status_code == 403
    assert api_as(None).get_json(URL).status_code == 401
