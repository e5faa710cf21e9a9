import base64
import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from laurel.certificates import badge_image as badge_image_module
from laurel.certificates import badges, delivery, issuers, keys, pdf, permissions, services, vc_api, verification
from laurel.certificates.forms import BatchForm, CorrectForm, RevokeForm, TemplateForm, UploadForm
from laurel.certificates.models import BadgeImage, Certificate, CertificateTemplate, IssuanceBatch, Kind
from laurel.core import ratelimit
from laurel.core.net import client_address
from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin

SAMPLE = {
    "name": "王䶮",
    "name_en": "Wang Yan",
    "title": "云州市最美科技工作者",
    "title_en": "Most Beautiful Sci-tech Worker of Yunzhou",
    "citation": "在材料科学领域取得突出成就，热心科普。",
    "citation_en": "For outstanding achievements in materials science and devotion to science outreach.",
    "number": "H2026000000",
    "date": "2026年5月30日",
    "date_en": "30 May 2026",
    "url": "https://example.org/verify/sample/",
}


# Sample texts of an appointment letter and a service certificate (the sample above is an honor's).
SAMPLES = {
    Kind.APPOINTMENT: {
        **SAMPLE,
        "title": "科学家精神宣讲团成员",
        "title_en": "member of the Scientist Spirit Lecture Group",
        "citation": "",
        "citation_en": "",
        "number": "A2026000000",
        "term_end": "2028年5月29日",
        "term_end_en": "29 May 2028",
    },
    Kind.SERVICE: {
        **SAMPLE,
        "title": "2026年度科技志愿服务证书",
        "title_en": "Science and technology volunteer service, 2026",
        "citation": "2026年度开展科技志愿服务12次，累计36小时，服务1200人次。",
        "citation_en": "In 2026, 12 volunteer services, 36 hours in all, reaching 1,200 people.",
        "number": "S2026000000",
    },
}


def sample_for(kind: str) -> dict:
    return SAMPLES.get(kind, SAMPLE)


class ManageMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_manage_certificates)


# Public: DID document, status list, verification.
@require_GET
def did_document(request):
    return JsonResponse(keys.did_document(), content_type="application/did+json")


@require_GET
def badge_image(request, pk):
    """An award's badge PNG, named by credentials as their achievement's image: public, never changing."""
    badge = get_object_or_404(BadgeImage, pk=pk)
    try:
        with badge.image.open("rb") as handle:
            data = handle.read(badge_image_module.MAX_BYTES + 1)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_list(request, pk):
    if pk != badges.STATUS_LIST_ID:
        raise Http404
    response = JsonResponse(services.current_status_list(), content_type="application/vc+ld+json")
    response["Cache-Control"] = "no-cache"
    return response


def _page_verdict(certificate: Certificate, result) -> str:
    if certificate.status == Certificate.Status.SUPERSEDED:
        return "superseded"
    if certificate.status == Certificate.Status.REVOKED:
        return "revoked"
    return result.verdict


@require_GET
def verify(request, token):
    certificate = Certificate.objects.select_related("template", "supersedes").filter(token=token[:64]).first()
    if certificate is None:
        return render(request, "certificates/verify.html", {"verdict": "not_found"}, status=404)
    result = verification.verify_certificate(certificate)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "verdict": _page_verdict(certificate, result),
            "result": result,
            "checks": verification.checks_for(result),
            "errors": verification.messages_for(result),
            "checked_at": timezone.now(),
            "successor": getattr(certificate, "superseded_by", None),
            "linkedin_url": delivery.linkedin_url(certificate)
            if certificate.status == Certificate.Status.VALID
            else "",
        },
    )


# The media type of a verifiable credential secured with an embedded proof (VC Data Model 2.0, section 6.3).
CREDENTIAL_MEDIA_TYPE = "application/vc"
# A JSON body holding credentials: plain JSON, in UTF-8.
CREDENTIAL_MEDIA_TYPE_JSON = "application/json"


@require_GET
def credential_download(request, token):
    certificate = get_object_or_404(Certificate, token=token[:64])
    response = HttpResponse(services.credential_bytes(certificate), content_type=CREDENTIAL_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@require_GET
def pdf_download(request, token):
    """The public gets a certificate's PDF only through its unguessable verification link, and only while the
    certificate is not revoked: a revoked PDF still looks valid on paper. Staff and the honoree keep theirs."""
    certificate = get_object_or_404(Certificate, token=token[:64])
    if not certificate.pdf_is_public:
        raise Http404
    return _pdf_response(certificate)


def _pdf_response(certificate: Certificate):
    return serve_file(certificate.pdf, filename=certificate.number, download=True)


def verify_upload(request):
    if request.method == "POST" and verification.upload_too_large(request):  # refused before Django reads it
        context = {"form": UploadForm(), "upload_error": verification.message("too_large")}
        return render(request, "certificates/verify_upload.html", context, status=400)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and _rate_limited(request):
        context["upload_error"] = verification.ERROR_MESSAGES["rate_limited"]
        return render(request, "certificates/verify_upload.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > verification.MAX_UPLOAD_BYTES:
            document, error = None, "too_large"
        else:
            document, error = verification.parse_upload(upload.read())
        if error:
            context["upload_error"] = verification.message(error)
            return render(request, "certificates/verify_upload.html", context, status=400)
        result = verification.verify_document(document)
        if verification.refused(result):
            context["upload_error"] = " ".join(verification.messages_for(result))
            return render(request, "certificates/verify_upload.html", context, status=400)
        context.update(
            result=result,
            verdict=result.verdict,
            checks=verification.checks_for(result),
            errors=verification.messages_for(result),
            warnings=verification.warnings_for(result),
            signatures=verification.signatures_for(result),
            facts=_facts(document) if result.checks else None,
            checked_at=timezone.now(),
        )
    return render(request, "certificates/verify_upload.html", context)


def _facts(document: dict) -> dict:
    subject = document.get("credentialSubject") if isinstance(document.get("credentialSubject"), dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = document.get("issuer") if isinstance(document.get("issuer"), dict) else {"id": document.get("issuer")}
    return {
        "name": subject.get("name", ""),
        "title": document.get("name", ""),
        "description": achievement.get("description", ""),
        "number": achievement.get("humanCode", ""),
        "issuer": issuer.get("name") or issuer.get("id", ""),
        "issuer_id": issuer.get("id", "") if isinstance(issuer.get("id"), str) else "",
        "issuer_elsewhere": issuer.get("id") != keys.issuer_did(),
        "issuer_keys_url": issuers.document_url(issuer.get("id")),
        "valid_from": document.get("validFrom") or document.get("issuanceDate", ""),  # VC 2.0, else 1.1
        "valid_until": document.get("validUntil") or document.get("expirationDate", ""),
    }


# The honoree (and staff) download their own files from the desk.
# Staff pages.
class CertificateListView(ManageMixin, ListView):
    paginate_by = 50

    def get_queryset(self):
        return Certificate.objects.select_related("recipient", "template")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batches=IssuanceBatch.objects.all()[:10], templates=CertificateTemplate.objects.all(), **kwargs
        )


class CertificateDetailView(ManageMixin, DetailView):
    model = Certificate

    def get_context_data(self, **kwargs):
        return super().get_context_data(revoke_form=RevokeForm(), **kwargs)


class TemplateMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_edit_templates)


class TemplateCreateView(TemplateMixin, CreateView):
    """The template's texts and layout, with a live preview beside the form (`TemplateLivePreviewView`)."""

    model = CertificateTemplate
    form_class = TemplateForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if not form.is_bound:
            context["preview"] = preview_context(form.instance)
        return context

    def form_valid(self, form):
        self.object = services.save_template(form.save(commit=False), actor=self.request.user)
        messages.success(self.request, _("The template is saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class TemplateUpdateView(TemplateCreateView, UpdateView):
    pass


def preview_context(template: CertificateTemplate) -> dict:
    """A sample certificate of the template's kind as a PNG data address (the CSP allows `data:` images)."""
    try:
        image = pdf.render_png(template=template, data=sample_for(template.kind))
    except pdf.CertificateRenderError as error:
        return {"error": str(error)}
    return {"image": base64.b64encode(image).decode(), "version": hashlib.sha256(image).hexdigest()[:12]}


class TemplateLivePreviewView(TemplateMixin, View):
    """POSTed by the edit form (HTMX, on every change): the sample certificate with the settings as they stand in
    the form, saved or not. Nothing is written; a bad value is named instead of a picture."""

    def post(self, request, pk=None):
        instance = get_object_or_404(CertificateTemplate, pk=pk) if pk is not None else CertificateTemplate()
        # Images uploaded in the form are printed once saved: the preview reads the settings only.
        form = TemplateForm(request.POST, instance=instance)
        context = {"form": form}
        if form.is_valid():
            context["preview"] = preview_context(form.instance)
        else:
            context["preview"] = {"errors": [error for errors in form.errors.values() for error in errors]}
        return render(request, "certificates/certificatetemplate_form.html#preview", context)


class TemplatePreviewView(TemplateMixin, DetailView):
    model = CertificateTemplate
    template_name = "certificates/template_preview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=preview_context(self.object), **kwargs)


class TemplatePreviewPdfView(TemplateMixin, DetailView):
    model = CertificateTemplate

    def get(self, request, *args, **kwargs):
        template = self.get_object()
        try:
            rendered = pdf.render(template=template, data=sample_for(template.kind))
        except pdf.CertificateRenderError as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(rendered, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response


class BatchCreateView(ManageMixin, FormView):
    form_class = BatchForm
    template_name = "certificates/batch_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            texts = {name: data[name] for name in ("title", "title_en", "citation", "citation_en")}
            batch = services.start_batch(
                template=data["template"],
                recipients=[services.Recipient(person=person, **texts) for person in data["recipients"]],
                batch_key=data["batch_key"],
                title=data["title"],
                actor=self.request.user,
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
            )
        except (ValidationError, pdf.CertificateRenderError) as error:
            form.add_error(None, str(error) if isinstance(error, pdf.CertificateRenderError) else error)
            return self.form_invalid(form)
        return redirect(batch)


class BatchDetailView(ManageMixin, DetailView):
    model = IssuanceBatch

    def get_template_names(self):
        if self.request.htmx:
            return ["certificates/issuancebatch_detail.html#progress"]
        return ["certificates/issuancebatch_detail.html"]


@require_GET
def batch_download(request, pk):
    """Staff download a batch's PDFs and credentials as one ZIP."""
    if not permissions.can_manage_certificates(request.user):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    batch = get_object_or_404(IssuanceBatch, pk=pk)
    from laurel.core.services import log_action

    log_action("certificates.batch.downloaded", actor=request.user, obj=batch)
    filename = f"certificates-{batch.batch_key}-{batch.pk}.zip".replace("/", "-").replace('"', "")
    return FileResponse(
        delivery.batch_archive(batch), as_attachment=True, filename=filename, content_type="application/zip"
    )


@require_POST
def revoke(request, pk):
    if not permissions.can_manage_certificates(request.user):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke(
                certificate,
                reason=form.cleaned_data["reason"],
                reason_public=form.cleaned_data["reason_public"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The certificate is revoked."))
    else:
        messages.error(request, _("Give the reason for the revocation."))
    return redirect("certificates:certificate_detail", pk=certificate.pk)


class CorrectView(ManageMixin, FormView):
    form_class = CorrectForm
    template_name = "certificates/correct_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {name: getattr(self.certificate, name) for name in ("title", "title_en", "citation", "citation_en")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            new = services.correct_certificate(self.certificate, actor=self.request.user, reason=reason, **data)
        except (ValidationError, pdf.CertificateRenderError) as error:
            form.add_error(None, str(error) if isinstance(error, pdf.CertificateRenderError) else error)
            return self.form_invalid(form)
        messages.success(self.request, _("A corrected certificate was issued; the old one is superseded."))
        return redirect("certificates:certificate_detail", pk=new.pk)


@require_GET
def my_download(request, pk, file_format):
    certificate = get_object_or_404(Certificate.objects.select_related("recipient"), pk=pk)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not permissions.can_download_certificate(request.user, certificate):
        raise PermissionDenied
    if file_format == "json":
        return credential_download(request, certificate.token)
    return _pdf_response(certificate)


# Verifications (the upload page and the VC API's verify) per client address and minute: each may read other
# issuers' sites and run the signature checks.
VERIFICATIONS_PER_ADDRESS = ratelimit.Limit("certificates.verify", count=60, seconds=60)


def _rate_limited(request) -> bool:
    return not ratelimit.allow_address(VERIFICATIONS_PER_ADDRESS, client_address(request))


@csrf_exempt
@require_POST
def api_verify(request):
    if _rate_limited(request):
        return JsonResponse({"verified": False, "checks": [], "warnings": [], "errors": ["rate_limited"]}, status=429)
    try:
        body = vc_api.read_json_body(request)
        if not isinstance(body.get("verifiableCredential"), dict):
            raise vc_api.Refused("malformed_request")
    except vc_api.Refused as refusal:
        return JsonResponse(
            {
                "verified": False,
                "checks": [],
                "warnings": [],
                "errors": [refusal.code],
                "problems": [refusal.as_json()],
            },
            status=400,
        )
    result = verification.verify_document(body["verifiableCredential"])
    errors = list(result.errors) or ([] if result.verified else [result.verdict])
    response = {"verified": result.verified, "checks": result.checks, "warnings": result.warnings, "errors": errors}
    if result.proofs:  # each proof of the set, as checked
        response["proofs"] = result.proofs
    if errors:  # problem details: each names its code, the check that failed, and says why in words
        response["problems"] = [vc_api.Refused(code, result.details.get(code, "")).as_json() for code in errors]
    return JsonResponse(response, status=200 if result.verified else 400)


def _staff_by_token(request):
    """(user, None) for a staff API token in the Authorization header, else (None, the JSON response to send)."""
    from laurel.core.api import CredentialRefused, TokenAuth

    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    try:
        user = TokenAuth().authenticate(request, token) if token else None
    except CredentialRefused as refused:  # expired, read-only, or its owner lacks the required second factor
        return None, JsonResponse({"detail": refused.message}, status=refused.status_code)
    if user is None:
        return None, JsonResponse({"detail": "Send a staff API token as Authorization: Bearer."}, status=401)
    if not permissions.can_manage_certificates(user):
        return None, JsonResponse({"detail": "Only association staff may issue or revoke credentials."}, status=403)
    return user, None


@csrf_exempt
@require_POST
def api_issue(request):
    user, refusal_response = _staff_by_token(request)
    if refusal_response is not None:
        return refusal_response
    try:
        body = vc_api.read_json_body(request)
        signed = vc_api.issue(body.get("credential"), body.get("options"), actor=user)
    except vc_api.Refused as refusal:
        return JsonResponse(refusal.as_json(), status=400)
    return JsonResponse({"verifiableCredential": signed}, status=201, content_type=CREDENTIAL_MEDIA_TYPE_JSON)


@csrf_exempt
@require_POST
def api_status(request):
    """VC API "update status": revoke a credential issued here (through the API, or a certificate) by its id."""
    user, refusal_response = _staff_by_token(request)
    if refusal_response is not None:
        return refusal_response
    try:
        vc_api.update_status(vc_api.read_json_body(request), actor=user)
    except vc_api.NotFound as refusal:
        return JsonResponse(refusal.as_json(), status=404)
    except vc_api.Conflict as refusal:
        return JsonResponse(refusal.as_json(), status=409)
    except vc_api.Refused as refusal:
        return JsonResponse(refusal.as_json(), status=400)
    return JsonResponse({}, status=200)
