"""The Open Badges 3.0 `OpenBadgeCredential` (VC Data Model 2.0) for a certificate, and the status list."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from laurel.certificates import keys
from laurel.certificates.credentials import jsonld, proofs, status_list

STATUS_LIST_ID = 1


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def status_list_url() -> str:
    return site_url(reverse("certificates:status_list", kwargs={"pk": STATUS_LIST_ID}))


def _datetime(day) -> str:
    """The start of `day` in the association's time zone, in UTC. A certificate dated today in Shanghai is valid
    from Shanghai's midnight: taken as UTC's midnight it stayed "not yet valid" for the first eight hours of the day."""
    start = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(certificate) -> dict:
    """The unsigned credential. Bilingual texts: Chinese in the main fields, English alongside."""
    template = certificate.template
    verify_url = site_url(reverse("certificates:verify", kwargs={"token": certificate.token}))
    issuer = keys.issuer_did()
    achievement_description = certificate.citation or certificate.title
    # Imported here: drawing needs Pillow and the fonts, which only issuing does.
    from laurel.certificates import badge_image

    badge = badge_image.badge_for(template, certificate.title)
    credential = {
        "@context": [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3],
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": template.association_name,
            "url": settings.SITE_URL,
        },
        "validFrom": _datetime(certificate.issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.recipient_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.recipient_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": f"{verify_url}#achievement",
                "type": ["Achievement"],
                "name": certificate.title,
                "description": achievement_description,
                "criteria": {"narrative": achievement_description},
                "achievementType": "Award",
                "humanCode": certificate.number,
                "image": {"id": badge_image.image_url(badge), "type": "Image", "caption": certificate.title},
                "inLanguage": "zh-Hans",
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_list_url(),
        },
    }
    if certificate.title_en or certificate.citation_en:
        credential["description"] = " ".join(
            part for part in (certificate.recipient_name_en, certificate.title_en, certificate.citation_en) if part
        )
    if certificate.valid_until:
        credential["validUntil"] = _datetime(certificate.valid_until)
    return credential


def sign(document: dict, *, created=None) -> dict:
    """Sign with the current key. The proof is a one-element list: Data Integrity allows a single object too,
    but 1EdTech's Open Badges 3.0 JSON schema requires an array."""
    key = keys.current_key()
    signed = proofs.sign(
        document, private_key=keys.private_key(key), verification_method=keys.verification_method(key), created=created
    )
    return {**signed, "proof": [signed["proof"]]}


def build_status_list(revoked_indexes: set[int]) -> dict:
    url = status_list_url()
    return sign(
        {
            "@context": [jsonld.CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": keys.issuer_did(),
            "validFrom": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": status_list.encode(revoked_indexes),
            },
        }
    )
