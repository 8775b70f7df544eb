"""Uploaded documents: checked on the way in, served only through views.

Files are stored under PRIVATE_MEDIA_ROOT with server-made names (the
original name stays in the database), never under a public URL. A view
checks the permission and calls `serve_private_file`.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, ZIP, OLE, PNG, JPEG, GIF, TEXT = "pdf", "zip", "ole", "png", "jpeg", "gif", "text"
SIGNATURES = {
    PDF: [b"%PDF-"],
    ZIP: [b"PK\x03\x04"],
    OLE: [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    PNG: [b"\x89PNG\r\n\x1a\n"],
    JPEG: [b"\xff\xd8\xff"],
    GIF: [b"GIF87a", b"GIF89a"],
}
# extension -> (content kind, content type served)
ALLOWED_TYPES = {
    "pdf": (PDF, "application/pdf"),
    "docx": (ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (ZIP, "application/vnd.oasis.opendocument.text"),
    "ods": (ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": (ZIP, "application/vnd.oasis.opendocument.presentation"),
    "doc": (OLE, "application/msword"),
    "xls": (OLE, "application/vnd.ms-excel"),
    "ppt": (OLE, "application/vnd.ms-powerpoint"),
    "png": (PNG, "image/png"),
    "jpg": (JPEG, "image/jpeg"),
    "jpeg": (JPEG, "image/jpeg"),
    "gif": (GIF, "image/gif"),
    "txt": (TEXT, "text/plain; charset=utf-8"),
    "csv": (TEXT, "text/csv; charset=utf-8"),
}
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under PRIVATE_MEDIA_ROOT, read when used, not when imported.

    Django calls a field's storage callable once, when the model class is
    built; reading the setting here lets tests move PRIVATE_MEDIA_ROOT.
    """

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    """The storage for uploads (no base URL: files are served only through views)."""
    return PrivateStorage(base_url=None)


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def private_upload_to(folder: str):
    """An `upload_to` that stores `<folder>/<uuid>.<ext>`, whatever the client sent."""

    def upload_to(instance, filename: str) -> str:
        return f"{folder}/{uuid.uuid4().hex}.{extension_of(filename)}"

    upload_to.__name__ = f"upload_to_{folder.replace('/', '_')}"
    upload_to.__qualname__ = upload_to.__name__
    return upload_to


def validate_upload(upload) -> None:
    """Refuse files that are too big, of a type not allowed, or not what they claim.

    Checks the extension against the allowlist, the first bytes against the
    extension, and office/zip files for zip bombs. Raises ValidationError
    with a message for the member.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). At most %(limit)s are allowed.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    extension = extension_of(upload.name)
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be uploaded. Allowed: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED_TYPES))}
        )
    kind = ALLOWED_TYPES[extension][0]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind == TEXT:
        sample = upload.read(8192)
        upload.seek(0)
        if b"\x00" in sample or b"<script" in sample.lower() or b"<html" in sample.lower():
            raise ValidationError(_("The file does not look like plain text."))
        return
    if not any(head.startswith(signature) for signature in SIGNATURES[kind]):
        raise ValidationError(
            _("The file content does not match its extension “.%(ext)s”.") % {"ext": extension}
        )
    if kind == ZIP:
        _check_zip(upload)


def _check_zip(upload) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ValidationError(_("The file is damaged and cannot be read.")) from error
    finally:
        upload.seek(0)
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_UNCOMPRESSED:
        raise ValidationError(_("The file unpacks to too much data and was refused."))


def serve_private_file(field_file, original_name: str) -> FileResponse:
    """Send a stored upload as a download with safe headers.

    The caller has checked the permission. The content type comes from the
    allowlist, never from the client; the response cannot run as a page.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    extension = extension_of(field_file.name)
    content_type = ALLOWED_TYPES.get(extension, (None, "application/octet-stream"))[1]
    response = FileResponse(
        handle, as_attachment=True, filename=original_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
