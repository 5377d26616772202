"""A child's photo: checked, stripped of metadata, resized, and stored behind the child's access rule.

Only JPEG and PNG are accepted, up to ``MAX_BYTES``; the file must decode as an image (Pillow), not just
be named like one. It is re-encoded from its pixels, so nothing of the upload but the picture survives:
no EXIF (camera, time, GPS position), no comments, no trailing bytes. The longest side is cut to
``MAX_SIDE`` pixels. Photos are served only through ``people.views.ChildPhotoView``, which applies the
child's access rule and logs the view as a read of the child's record (never as public media).
"""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from PIL import Image, ImageOps, UnidentifiedImageError

from misper.accounts.models import User
from misper.audit.history import history_save
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.people.models import Child
from misper.people.selectors import access_child_by_id

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 800
MAX_PIXELS = 40_000_000  # a larger canvas is refused before decoding (decompression bombs)
FORMATS = {"JPEG": "jpg", "PNG": "png"}
NOT_AN_IMAGE = "The file must be a photo in JPEG or PNG format"
TOO_LARGE = f"The photo must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
NEED_PHOTO = "Choose a photo to upload"


def _clean_image(data: bytes) -> tuple[bytes, str]:
    """The picture in ``data`` re-encoded without metadata and resized: (bytes, extension)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(FieldError("photo", NOT_AN_IMAGE))
            probe.verify()  # a truncated or corrupt file fails here
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # keep it upright once the orientation tag is gone
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            mode = "RGB" if kind == "JPEG" else "RGBA"
            pixels = image.convert(mode)
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # pixels only, no info dict
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(FieldError("photo", NOT_AN_IMAGE)) from None
    out = io.BytesIO()
    clean.save(out, kind, **({"quality": 85} if kind == "JPEG" else {"optimize": True}))
    return out.getvalue(), FORMATS[kind]


def photo_upload(*, child_id: int, data: bytes | None, acting_user: User) -> Child:
    """Store ``data`` as the photo of a child ``acting_user`` may see (404 otherwise). Not an image, not
    JPEG/PNG, or too large: a 422 on ``photo`` and nothing stored."""
    if not data:
        raise InvalidInput(FieldError("photo", NEED_PHOTO))
    if len(data) > MAX_BYTES:
        raise InvalidInput(FieldError("photo", TOO_LARGE))
    content, extension = _clean_image(data)
    with transaction.atomic():
        child = access_child_by_id(acting_user, child_id)
        old = child.photo.name if child.photo else ""
        child.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        child.version += 1
        history_save(child, user=acting_user)
        access_record(user=acting_user, action="change", record_type="child", record_ids=[child.pk])
    if old:
        child.photo.storage.delete(old)  # after commit: a rolled-back upload keeps the old photo
    return child


def photo_upload_file(*, child_id: int, upload: UploadedFile, acting_user: User) -> Child:
    """``photo_upload`` for an uploaded file: a file over the limit is refused before it is read."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise InvalidInput(FieldError("photo", TOO_LARGE))
    return photo_upload(child_id=child_id, data=upload.read(MAX_BYTES + 1), acting_user=acting_user)


def photo_response(request: HttpRequest, child_id: int) -> FileResponse:
    """The photo of a child the requester may see, logged as a read of the child's record (404 if the
    child is not visible or has no photo). Never cached by a shared cache."""
    user = request.user
    with transaction.atomic():
        child = access_child_by_id(user, child_id)  # type: ignore[arg-type]
        if not child.photo:
            raise Http404("No photo")
        access_record(user=user, action="view", record_type="child", record_ids=[child.pk], request=request)
    response = FileResponse(child.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    return response
