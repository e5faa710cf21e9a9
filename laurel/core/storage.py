"""Where uploaded and generated files live, what they are called, and how Laurel sends them back.

Two areas under LAUREL_MEDIA_ROOT:
- `public/`: what anyone may see (article covers), served by the web server at /media/public/.
- `private/` (the default storage): everything else (nomination documents and photos, objection evidence,
  people's and talks' photos, certificate PDFs, seals and signatures, imported spreadsheets). It has no URL:
  Laurel serves a file after a permission check, or behind an unguessable link, through `serve_file`.

Every stored file gets a random name with the extension of the type found in its first bytes, never the name or
extension the uploader chose, so no path can be guessed and no web server can be talked into a dangerous type.
Files are served with the type found in their bytes (not their name, so files stored before this rule are safe
too), `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`; only images are shown inline.
"""

import contextlib
import posixpath
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils._os import safe_join
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/jpeg", "image/png", "image/webp"}


# The kinds Laurel keeps; anything else is named and served as opaque bytes.
KNOWN = {
    "pdf": Detected("application/pdf", "pdf"),
    "jpg": Detected("image/jpeg", "jpg"),
    "png": Detected("image/png", "png"),
    "apng": Detected("image/png", "png"),
    "webp": Detected("image/webp", "webp"),
    "xlsx": Detected("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "docx": Detected("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
TEXT = Detected("text/plain", "txt")
OPAQUE = Detected("application/octet-stream", "bin")


def sniff(head: bytes) -> Detected:
    """The type of a file from its first bytes (the signatures `filetype` knows, each at its fixed place)."""
    kind = filetype.guess(head[:HEAD_BYTES]) if head else None
    if kind is not None:
        return KNOWN.get(kind.extension, OPAQUE)
    # A CSV import, or an HTML page stored before uploads were judged: text, never markup.
    return TEXT if head and b"\x00" not in head else OPAQUE


def _head(content) -> bytes:
    content.seek(0)
    head = content.read(HEAD_BYTES)
    content.seek(0)
    return head if isinstance(head, bytes) else head.encode()


class _RandomNames:
    def save(self, name, content, max_length=None):
        """Keep the folder the field asks for; the file name is random, its extension the detected type's."""
        directory = posixpath.dirname(name or "")
        extension = sniff(_head(content)).extension
        return super().save(posixpath.join(directory, f"{secrets.token_urlsafe(24)}.{extension}"), content, max_length)


class PrivateStorage(_RandomNames, FileSystemStorage):
    """MEDIA_ROOT/private: no URL; read through `serve_file` after a permission check."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")

    def url(self, name):
        raise ValueError("Private files have no URL; a view serves them after a permission check.")


class PublicStorage(_RandomNames, FileSystemStorage):
    """MEDIA_ROOT/public, at MEDIA_URL + public/: what every visitor may see."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "public")

    @cached_property
    def base_url(self):
        return f"{settings.MEDIA_URL}public/"


def public_storage():
    """For `FileField(storage=...)`: a callable, so migrations name it instead of freezing its settings."""
    return storages["public"]


def serve_file(field_file, *, filename: str, download: bool = False, public: bool = False) -> FileResponse:
    """A stored file as a response that can run nothing: its real type, no sniffing, a sandbox, shown inline only
    when it is an image (and not asked as a download), never cached by shared caches unless `public` (a file the
    view has just found everyone may see: a published honoree's photo, a call's attachment, kept an hour).
    `filename` has no extension: the detected type's is added."""
    if not field_file:
        raise Http404
    if hasattr(field_file.storage, "presigned_url"):
        return _redirect_to_object(field_file, filename=filename, download=download)
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    cache = "public, max-age=3600" if public else "private, no-store"
    return _response(handle, filename=filename, download=download, cache=cache)


def _redirect_to_object(field_file, *, filename: str, download: bool) -> HttpResponseRedirect:
    """Object storage: a presigned link living LAUREL_STORAGE_LINK_SECONDS, whose response headers the link itself
    sets (the storage cannot be asked otherwise): the type found in the bytes, a download unless an image, never
    cached. The file comes from the storage's own origin, so nothing in it runs as Laurel's pages."""
    storage = field_file.storage
    try:
        detected = sniff(storage.head(field_file.name))
    except FileNotFoundError:
        raise Http404 from None
    attachment = download or not detected.is_image
    link = storage.presigned_url(
        field_file.name,
        parameters={
            "ResponseContentType": detected.content_type,
            "ResponseContentDisposition": content_disposition_header(attachment, f"{filename}.{detected.extension}"),
            "ResponseCacheControl": "private, no-store",
        },
    )
    response = HttpResponseRedirect(link)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_public(request, path):
    """Development only (`make demo`): MEDIA_ROOT/public at /media/public/, as the web server serves it."""
    full_path = Path(safe_join(public_storage().location, path))  # a path leaving the area is refused (400)
    if not full_path.is_file():
        raise Http404
    return _response(full_path.open("rb"), filename=full_path.stem, download=False, cache="public, max-age=3600")


def _response(handle, *, filename: str, download: bool, cache: str) -> FileResponse:
    detected = sniff(_head(handle))
    # A PDF is a download too: Chrome and Safari refuse to show a PDF under the sandbox, and the sandbox stays.
    attachment = download or not detected.is_image
    response = FileResponse(
        handle,
        content_type=detected.content_type,
        as_attachment=attachment,
        filename=f"{filename}.{detected.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser rendered the bytes as a page, it would be an opaque origin with no scripts, plugins,
    # forms or storage: nothing in it can act as the signed-in staff member.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = cache
    return response


def relocate_files(model, field_name: str) -> int:
    """Move every file a field names out of the old single media area (MEDIA_ROOT/<name>: the uploader's names or
    sequential numbers, all under the public /media/) into the field's storage under a random name, and point the
    rows at it. Run by the data migrations; running it again (or after a crash) moves only what is left. Returns
    the number of files moved."""
    field = model._meta.get_field(field_name)
    old_area = FileSystemStorage(location=settings.MEDIA_ROOT)
    names = model._default_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True).order_by().distinct()
    moved = 0
    for name in list(names):
        if field.storage.exists(name) or not old_area.exists(name):
            continue  # moved already, or lost before (nothing to move)
        with old_area.open(name, "rb") as handle:
            new_name = field.storage.save(f"{posixpath.dirname(name)}/file", handle)
        model._default_manager.filter(**{field_name: name}).update(**{field_name: new_name})
        old_area.delete(name)
        moved += 1
        directory = posixpath.dirname(name)
        while directory:  # the emptied folders go, up to (not including) MEDIA_ROOT; a folder still in use stays
            with contextlib.suppress(OSError):
                Path(old_area.path(directory)).rmdir()
            directory = posixpath.dirname(directory)
    return moved
