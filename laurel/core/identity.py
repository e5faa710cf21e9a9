"""The association's identity (name, logo, contact, filing numbers, seal): read on every page, written by staff.

Every page's header and footer show it, so reading it must cost nothing: each process keeps the row in memory
and asks the shared cache at most every `MEMORY_SECONDS` whether staff changed it (a version number), so a
change reaches every process within that time, and the process that saved it at once.
"""

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.core import pagecache
from laurel.core.models import SiteIdentity
from laurel.core.services import log_action
from laurel.core.uploads import judge_image

VERSION_KEY = "core:identity:version"
MEMORY_SECONDS = 5.0
IMAGE_FIELDS = ("logo", "wechat_qr", "seal", "signature")
TEXT_FIELDS = (
    "name", "name_en", "about", "about_en", "address", "address_en", "phone", "email", "icp_number",
    "public_security_number",
)  # fmt: skip

_memory: dict = {"version": None, "checked": 0.0, "identity": None}


@dataclass(frozen=True)
class Identity:
    """What pages and mails read: plain values, safe to keep between requests."""

    name: str
    name_en: str
    about: str
    about_en: str
    address: str
    address_en: str
    phone: str
    email: str
    icp_number: str
    public_security_number: str
    logo_url: str
    wechat_qr_url: str
    seal_path: str
    signature_path: str

    def display_name(self, language: str | None = None) -> str:
        """The name in the page's language; the other one when that is not given; "" when neither is."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        if language.startswith("en"):
            return self.name_en or self.name
        return self.name or self.name_en

    def display_about(self, language: str | None = None) -> str:
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        if language.startswith("en"):
            return self.about_en or self.about
        return self.about or self.about_en

    def display_address(self, language: str | None = None) -> str:
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        if language.startswith("en"):
            return self.address_en or self.address
        return self.address or self.address_en


def _file_url(field) -> str:
    return field.url if field else ""


def _file_path(field) -> str:
    """A local path to the file for typst. On object storage (no path) the bytes are copied once into a private
    temporary folder under the stored name, which is random and changes with every upload."""
    if not field:
        return ""
    try:
        return field.path
    except NotImplementedError:
        local = Path(tempfile.gettempdir()) / "laurel-identity" / field.name.replace("/", "_")
        if not local.exists():
            local.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with field.storage.open(field.name, "rb") as source:
                local.write_bytes(source.read())
        return str(local)


def _load() -> Identity:
    return _identity(SiteIdentity.objects.filter(pk=1).first() or SiteIdentity(pk=1))


def _identity(row: SiteIdentity) -> Identity:
    fallback = settings.ASSOCIATION_NAME
    return Identity(
        name=row.name or fallback,
        name_en=row.name_en,
        about=row.about,
        about_en=row.about_en,
        address=row.address,
        address_en=row.address_en,
        phone=row.phone,
        email=row.email,
        icp_number=row.icp_number,
        public_security_number=row.public_security_number,
        logo_url=_file_url(row.logo),
        wechat_qr_url=_file_url(row.wechat_qr),
        seal_path=_file_path(row.seal),
        signature_path=_file_path(row.signature),
    )


def current() -> Identity:
    now = time.monotonic()
    if _memory["identity"] is None or now - _memory["checked"] > MEMORY_SECONDS:
        version = cache.get_or_set(VERSION_KEY, pagecache.fresh_version, timeout=None)
        if version != _memory["version"] or _memory["identity"] is None:
            _memory["identity"] = _load()
            _memory["version"] = version
        _memory["checked"] = now
    return _memory["identity"]


def forget() -> None:
    """Drop this process's copy (tests, and the process that saved)."""
    _memory.update(version=None, checked=0.0, identity=None)


def assume_unset() -> None:
    """Tests start from an installation whose staff never set the identity, without reading the database, so
    that a page's first request costs the same queries as its next ones."""
    _memory.update(
        version=cache.get_or_set(VERSION_KEY, pagecache.fresh_version, timeout=None),
        checked=time.monotonic(),
        identity=_identity(SiteIdentity(pk=1)),
    )


def _announce_change() -> None:
    # A version from the clock, never counted from 1 again: after Redis lost its keys a counted version could
    # equal the one another process remembers, which would then keep the old identity.
    cache.set(VERSION_KEY, pagecache.fresh_version(), timeout=None)
    forget()
    pagecache.invalidate()  # cached public pages carry the header and footer


def mail_subject(text: str, language: str | None = None) -> str:
    """A mail subject carrying the association's name in the mail's language: "[云州市科协] ..." ."""
    name = " ".join((current().display_name(language) or _("Laurel")).split())  # a header holds no line break
    return f"[{name}] {text}"


def save_identity(*, actor, data: dict, files: dict, clear: tuple[str, ...] = ()) -> SiteIdentity:
    """Staff change the identity. Every image is judged by its whole content before anything is written, so a
    refused image leaves the identity as it was. The audit entry names the fields that changed."""
    judged = {}
    errors = {}
    for field in IMAGE_FIELDS:
        upload = files.get(field)
        if upload is None:
            continue
        try:
            judged[field] = judge_image(upload)
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = SiteIdentity.objects.select_for_update().get_or_create(pk=1)
        changed = [field for field in TEXT_FIELDS if field in data and getattr(row, field) != data[field]]
        for field in changed:
            setattr(row, field, data[field])
        replaced = []  # old files go only once the new row is committed: a failed save loses no image
        for field in clear:
            if field in IMAGE_FIELDS and getattr(row, field) and field not in judged:
                replaced.append((getattr(row, field).storage, getattr(row, field).name))
                setattr(row, field, "")
                changed.append(field)
        for field, content in judged.items():
            old = getattr(row, field)
            if old:
                replaced.append((old.storage, old.name))
            getattr(row, field).save(f"{field}.{content.extension}", content, save=False)
            changed.append(field)
        row.full_clean()
        row.save()
        if changed:
            log_action("core.identity.changed", actor=actor, obj=row, data={"fields": sorted(changed)})

        def after_commit():
            for storage, name in replaced:
                storage.delete(name)
            _announce_change()

        transaction.on_commit(after_commit)
    return row
