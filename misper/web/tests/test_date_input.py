"""The GOV.UK date input: day, month, year (and a time) typed as people type them, with the pattern's field
errors, refused server-side; never a 500, whatever is posted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.audit.forms import RetainForm
from misper.episodes.models import Episode
from misper.web.forms import GovukDateField, GovukDateTimeField, GovukFormMixin
from tests.factories import child_make, user_make


class _Form(GovukFormMixin, forms.Form):
    on = GovukDateField(label="On", required=False)
    at = GovukDateTimeField(label="At", required=False)


def _errors(**data: str) -> dict[str, list[str]]:
    form = _Form(data)
    form.is_valid()
    return {k: list(v) for k, v in form.errors.items()}


def test_parts_make_a_date_and_a_uk_time():
    form = _Form({"on_day": "7", "on_month": "3", "on_year": "2026", **_at("29", "6", "2026", "14:30")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2026, 3, 7)
    at = form.cleaned_data["at"]
    assert timezone.is_aware(at)
    assert timezone.localtime(at).replace(tzinfo=None) == datetime(2026, 6, 29, 14, 30)


def _at(day: str, month: str, year: str, time: str) -> dict[str, str]:
    return {"at_day": day, "at_month": month, "at_year": year, "at_time": time}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on_day": "7", "on_month": "", "on_year": "2026"}, "The date must include a month"),
        ({"on_day": "", "on_month": "", "on_year": "2026"}, "The date must include a day and a month"),
        ({"on_day": "31", "on_month": "2", "on_year": "2026"}, "Enter a real date"),
        ({"on_day": "x", "on_month": "3", "on_year": "2026"}, "Enter a real date"),
        ({"on_day": "1", "on_month": "13", "on_year": "2026"}, "Enter a real date"),
        ({"on_day": "1", "on_month": "1", "on_year": "26"}, "Enter a real date"),
        ({"on_day": "1", "on_month": "1", "on_year": "9" * 400}, "Enter a real date"),
        ({"on_day": "-1", "on_month": "1", "on_year": "2026"}, "Enter a real date"),
        ({"on": "2020-02-30"}, "Enter a real date"),
        ({"on": "\x00"}, "Enter a real date"),
    ],
)
def test_a_date_that_is_not_real_or_not_whole_is_a_field_error(data, message):
    assert _errors(**data) == {"on": [message]}


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ("", "The date must include a time"),
        ("25:00", "Enter a real time, like 14:30"),
        ("14:61", "Enter a real time, like 14:30"),
        ("half past two", "Enter a real time, like 14:30"),
    ],
)
def test_a_time_that_is_missing_or_not_real_is_a_field_error(time, message):
    assert _errors(**_at("1", "6", "2026", time)) == {"at": [message]}


def test_a_time_the_clocks_skipped_is_refused_in_words():
    (error,) = _errors(**_at("29", "3", "2026", "01:30"))["at"]
    assert error.startswith("The clocks changed at that time")


def test_the_widget_renders_day_month_year_and_time_never_the_browsers_picker():
    html = str(_Form()["at"])
    for part in ("day", "month", "year", "time"):
        assert f'name="at_{part}"' in html
    assert 'id="id_at"' in html  # the day box, which the error summary links to
    assert "datetime-local" not in html
    assert 'type="date"' not in str(_Form()["on"])


@pytest.mark.django_db
def test_the_report_page_reads_the_parts_and_refuses_nonsense_without_a_500(world):
    from misper.episodes.tests.test_views import report_form

    child = child_make(world.force, given_name="Nell", family_name="Parts")
    client = Client()
    client.force_login(world.calltaker)
    seen = timezone.localtime(timezone.now() - timedelta(hours=2))
    data = report_form(last_seen_at=None)
    data.update(
        last_seen_at_day=str(seen.day),
        last_seen_at_month=str(seen.month),
        last_seen_at_year=str(seen.year),
        last_seen_at_time=f"{seen:%H:%M}",
    )
    bad = {**data, "last_seen_at_month": "", "last_seen_at_day": "99" * 500}
    resp = client.post(f"/children/{child.pk}/report", bad)
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_last_seen_at"' in page
    assert not Episode.objects.filter(child=child).exists()
    resp = client.post(f"/children/{child.pk}/report", data)
    assert resp.status_code == 302, resp.content.decode()[:1500]
    episode = Episode.objects.get(child=child)
    assert timezone.localtime(episode.last_seen_at).strftime("%d %m %Y %H:%M") == seen.strftime(
        "%d %m %Y %H:%M"
    )


# --- the period filters of the access log, the retention decision and the figures ------------------------

FILTER_PAGES = [
    ("/audit/log", "date_from", "auditor"),
    ("/dashboard", "period_from", "analyst"),
    ("/dashboard/profile", "period_from", "analyst"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name", "who"), FILTER_PAGES)
def test_period_filters_are_the_govuk_date_input_with_field_errors(world, path, name, who):
    user = user_make(world.force, Role.AUDITOR) if who == "auditor" else world.analyst
    client = Client(raise_request_exception=False)
    client.force_login(user)
    page = client.get(path).content.decode()
    assert f'name="{name}_day"' in page
    assert f'name="{name}_year"' in page
    assert 'type="date"' not in page  # never the browser's own picker
    ok = client.get(path, {f"{name}_day": "1", f"{name}_month": "3", f"{name}_year": "2026"})
    assert "There is a problem" not in ok.content.decode()
    bad = client.get(path, {f"{name}_day": "31", f"{name}_month": "2", f"{name}_year": "2026"})
    page = bad.content.decode()
    assert bad.status_code in (200, 400)
    assert "There is a problem" in page
    assert f'href="#id_{name}"' in page
    assert "Enter a real date" in page
    partial = client.get(path, {f"{name}_day": "1", f"{name}_month": "", f"{name}_year": "2026"})
    assert "The date must include a month" in partial.content.decode()


def test_the_retention_decisions_next_review_is_the_govuk_date_input():
    html = str(RetainForm()["next_review_on"])
    assert 'name="next_review_on_day"' in html
    assert 'type="date"' not in html
    form = RetainForm({"rationale": "Open inquiry", "next_review_on_day": "31", "next_review_on_month": "2",
                       "next_review_on_year": "2027"})  # fmt: skip
    assert not form.is_valid()
    assert form.errors["next_review_on"] == ["Enter a real date"]
