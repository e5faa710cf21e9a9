"""Nomination documents and objection evidence, served only to those allowed to see them (never a media URL), the
safe way (`laurel.core.storage.serve_file`): the type found in the bytes, no sniffing, a sandbox, downloads for
all but photos."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from laurel.core.storage import serve_file
from laurel.honors import permissions
from laurel.honors.models import Nomination, NominationPhoto, ObjectionEvidence

FIELDS = {"id_photo", "evidence", "unit_opinion", "integrity_certificate", "anonymized_evidence"}


def nomination_file(request, code, kind):
    if kind not in FIELDS:
        raise Http404
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    if not permissions.can_download(request.user, nomination, kind):
        raise PermissionDenied
    return serve_file(getattr(nomination, kind), filename=f"{nomination.code}-{kind.replace('_', '-')}")


def nomination_photo(request, code, photo):
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    if not permissions.can_download(request.user, nomination, "photo"):
        raise PermissionDenied
    image = get_object_or_404(NominationPhoto, pk=photo, nomination=nomination).image
    return serve_file(image, filename=f"{nomination.code}-photo-{photo}")


def objection_evidence(request, pk):
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    evidence = get_object_or_404(ObjectionEvidence.objects.select_related("objection__nomination"), pk=pk)
    return serve_file(evidence.file, filename=f"{evidence.objection.nomination.code}-objection-evidence-{pk}")
