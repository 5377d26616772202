"""No demo-only data: every field the engine, board, dashboard and partner views read about a child's
circumstances can be written by a person, on a page and through the API.

Each row names a stored field that something reads, the page form field and the API body field that
write it. The test fails if a form or an API schema loses the field; adding a field that the engine or a
figure reads means adding a row here, with its two write paths.
"""

from __future__ import annotations

import inspect

import pytest

from misper.episodes.api import FoundIn
from misper.episodes.forms import FoundForm
from misper.people import api as children_api
from misper.people import api_concern
from misper.people.forms import (
    AssociateLinkForm,
    CawnFromAdultForm,
    FlagExpireForm,
    FlagForm,
    FlagReviewForm,
    PersonForm,
    PhotoForm,
    PlaceForm,
    PlaceLinkForm,
)

# (model.field, read by, page form, form field, API body schema (or route), API field)
WRITE_PATHS = [
    (
        "VulnerabilityFlag.code",
        "engine child.vulnerabilities; child page; board",
        FlagForm,
        "code",
        children_api.FlagIn,
        "code",
    ),
    (
        "VulnerabilityFlag.source",
        "child page; partner view",
        FlagForm,
        "source",
        children_api.FlagIn,
        "source",
    ),
    ("VulnerabilityFlag.review_on", "child page", FlagForm, "review_on", children_api.FlagIn, "review_by"),
    (
        "VulnerabilityFlag.police_only",
        "partner projection",
        FlagForm,
        "police_only",
        children_api.FlagIn,
        "police_only",
    ),
    (
        "VulnerabilityFlag.expired_at",
        "engine (is_current)",
        FlagExpireForm,
        "reason",
        api_concern.FlagExpireIn,
        "reason",
    ),
    (
        "VulnerabilityFlag.reviewed_on",
        "child page",
        FlagReviewForm,
        "review_on",
        api_concern.FlagReviewIn,
        "review_by",
    ),
    (
        "Associate.given_name",
        "child page; profile network",
        PersonForm,
        "given_name",
        api_concern.PersonIn,
        "given_name",
    ),
    (
        "Associate.date_of_birth",
        "engine associates[].age",
        PersonForm,
        "date_of_birth",
        api_concern.PersonIn,
        "date_of_birth",
    ),
    ("Associate.flags", "engine associates[].flags", PersonForm, "flags", api_concern.PersonIn, "flags"),
    (
        "ChildAssociate.relationship",
        "engine associates[].relationship",
        AssociateLinkForm,
        "relationship",
        children_api.AssociateIn,
        "relationship",
    ),
    (
        "ChildAssociate.of_concern",
        "engine; profile; board",
        AssociateLinkForm,
        "concern",
        children_api.AssociateIn,
        "concern",
    ),
    (
        "ChildAssociate.concern",
        "engine associates[].concern",
        AssociateLinkForm,
        "concern",
        children_api.AssociateIn,
        "concern",
    ),
    ("ChildAssociate.source", "child page", AssociateLinkForm, "source", children_api.AssociateIn, "source"),
    (
        "AbductionWarningNotice.issued_on",
        "engine cawn_issued; profile",
        CawnFromAdultForm,
        "issued_on",
        api_concern.CawnIn,
        "issued_on",
    ),
    ("Location.latitude", "profile hotspots", PlaceForm, "latitude", api_concern.PlaceIn, "latitude"),
    ("ChildLocation.kind", "child page", PlaceLinkForm, "kind", children_api.PlaceLinkIn, "kind"),
    (
        "Episode.found_with_associate",
        "engine found_with_adult_of_concern; dashboard; profile",
        FoundForm,
        "found_with_person",
        FoundIn,
        "found_with_person_id",
    ),
    (
        "Episode.found_location",
        "dashboard where found; profile",
        FoundForm,
        "found_place",
        FoundIn,
        "found_place_id",
    ),
    (
        "Child.photo",
        "child page, report, episode, board, briefing",
        PhotoForm,
        "photo",
        children_api.photo_create,
        "photo",
    ),
]


@pytest.mark.parametrize(("stored", "read_by", "form", "form_field", "schema", "api_field"), WRITE_PATHS)
def test_every_field_read_has_a_page_and_an_api_write_path(
    stored, read_by, form, form_field, schema, api_field
):  # type: ignore[no-untyped-def]
    assert form_field in form.base_fields, f"{stored} ({read_by}): no page writes it"
    if inspect.isfunction(schema):
        assert api_field in inspect.signature(schema).parameters, f"{stored}: no API route writes it"
    else:
        assert api_field in schema.model_fields, f"{stored} ({read_by}): no API operation writes it"


def test_every_model_field_listed_exists():
    from django.apps import apps

    for stored, *_ in WRITE_PATHS:
        model, field = stored.split(".")
        apps.get_model("people" if model != "Episode" else "episodes", model)._meta.get_field(field)
