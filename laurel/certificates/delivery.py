"""Getting certificates to people: the "add to LinkedIn profile" link and a batch's archive for staff."""

import tempfile
import zipfile
from urllib.parse import urlencode

from laurel.certificates import badges, services
from laurel.certificates.models import Certificate, IssuanceBatch

# LinkedIn's documented "Add to Profile" link for certifications.
LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
# Archives above this stay on disk rather than in memory while they are written and sent.
ARCHIVE_MEMORY_BYTES = 8 * 1024 * 1024


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's add-certification form, filled with the certificate's name, issuer, dates and verification URL."""
    parameters = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.title_en or certificate.title,
        "organizationName": certificate.template.association_name_en or certificate.template.association_name,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
    }
    if certificate.valid_until:
        parameters.update(expirationYear=certificate.valid_until.year, expirationMonth=certificate.valid_until.month)
    parameters.update(
        certUrl=badges.site_url(certificate.get_absolute_url()),
        certId=certificate.number,
    )
    return f"{LINKEDIN_ADD_URL}?{urlencode(parameters)}"


def batch_certificates(batch: IssuanceBatch):
    return Certificate.objects.filter(batch_entry__batch=batch).select_related("template").order_by("status_index")


def batch_archive(batch: IssuanceBatch):
    """A ZIP of the batch's certificates: `pdf/<number>.pdf` and `credentials/<number>.json` (Open Badges 3.0),
    in a temporary file (on disk past ARCHIVE_MEMORY_BYTES), rewound. PDFs are stored already compressed."""
    # Handed open to the FileResponse, which closes (and so deletes) it once sent.
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w") as zipped:
        for certificate in batch_certificates(batch).iterator(chunk_size=100):
            zipped.writestr(f"pdf/{certificate.number}.pdf", services.pdf_bytes(certificate), zipfile.ZIP_STORED)
            zipped.writestr(
                f"credentials/{certificate.number}.json",
                services.credential_bytes(certificate),
                zipfile.ZIP_DEFLATED,
            )
    archive.seek(0)
    return archive
