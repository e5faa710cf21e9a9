"""Nomination documents and objection evidence, served only to those allowed to see them (never a media URL)."""

import mimetypes
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from laurel.honors import permissions
from laurel.honors.models import Nomination, NominationPhoto, ObjectionEvidence

FIELDS = {"id_photo", "evidence", "unit_opinion", "integrity_certificate"}


def _serve(field_file):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = PurePosixPath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


def nomination_file(request, code, kind):
    if kind not in FIELDS:
        raise Http404
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    if not permissions.can_download(request.user, nomination, kind):
        raise PermissionDenied
    return _serve(getattr(nomination, kind))


def nomination_photo(request, code, photo):
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    if not permissions.can_download(request.user, nomination, "photo"):
        raise PermissionDenied
    return _serve(get_object_or_404(NominationPhoto, pk=photo, nomination=nomination).image)


def objection_evidence(request, pk):
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    return _serve(get_object_or_404(ObjectionEvidence, pk=pk).file)
