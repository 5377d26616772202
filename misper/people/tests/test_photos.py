"""A child's photo: only real JPEG or PNG, size-limited, metadata stripped, resized; reads are logged."""

from __future__ import annotations

import io

import pytest
from django.test import override_settings
from PIL import Image

from misper.audit.models import AccessEvent
from misper.people.models import Child
from misper.people.photos import MAX_BYTES, MAX_SIDE, NOT_AN_IMAGE, TOO_LARGE
from tests.factories import child_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path):  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(world.force, placing_authority=world.la)


def _jpeg(size: tuple[int, int] = (1600, 1200)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9286] = "taken at 1 Example Street"  # UserComment
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _upload(client, child_id: int, data: bytes, name: str = "photo.jpg"):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(f"/api/v1/children/{child_id}/photo", {"photo": upload}, headers=client._headers(None))


def test_upload_strips_metadata_resizes_and_logs_each_view(world, api_as, child):
    original = _jpeg()
    assert b"SecretCam" in original
    resp = _upload(api_as(world.calltaker), child.pk, original)
    assert resp.status_code == 201, resp.content
    child.refresh_from_db()
    stored = child.photo.read()
    assert b"SecretCam" not in stored
    assert b"Example Street" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == MAX_SIDE
        assert not image.getexif()
    before = AccessEvent.objects.filter(action="view", record_type="child").count()
    shown = api_as(world.socialworker).get(
        resp.json()["photo_url"], headers=api_as(world.socialworker)._headers(None)
    )
    assert shown.status_code == 200
    assert AccessEvent.objects.filter(action="view", record_type="child").count() == before + 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a photo", "photo.jpg", NOT_AN_IMAGE),
        (b"GIF89a" + b"\x00" * 100, "photo.gif", NOT_AN_IMAGE),
        (_jpeg()[:300], "cut.jpg", NOT_AN_IMAGE),
        (b"\xff\xd8" + b"0" * (MAX_BYTES + 10), "huge.jpg", TOO_LARGE),
    ],
)
def test_not_an_image_or_too_large_is_a_422_on_photo_and_nothing_stored(
    world, api_as, child, data, name, message
):
    resp = _upload(api_as(world.calltaker), child.pk, data, name)
    assert resp.status_code == 422, resp.content
    assert resp.json()["errors"] == [{"field": "photo", "message": message}]
    assert not Child.objects.get(pk=child.pk).photo


def test_a_gif_renamed_jpeg_is_refused(world, api_as, child):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    resp = _upload(api_as(world.calltaker), child.pk, out.getvalue(), "photo.jpg")
    assert resp.status_code == 422


def test_other_forces_and_councils_can_neither_upload_nor_see(world, api_as, child):
    _upload(api_as(world.calltaker), child.pk, _jpeg((50, 50)))
    for user in (world.other_force_officer, world.other_socialworker):
        client = api_as(user)
        assert _upload(client, child.pk, _jpeg((50, 50))).status_code == 404
        assert (
            client.get(f"/api/v1/children/{child.pk}/photo", headers=client._headers(None)).status_code == 404
        )
    assert api_as(None).get(f"/api/v1/children/{child.pk}/photo").status_code == 401
