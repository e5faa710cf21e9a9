"""The campaign's call (通知): staff write its text and attach the official notice; the public reads it with the
campaign's stages drawn as a timeline with their dates."""

import datetime
from dataclasses import dataclass

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.core.uploads import judge_docx, judge_pdf
from laurel.honors.models import CallAttachment, Campaign, Stage
from laurel.honors.models.calls import MAX_ATTACHMENTS

# The call's text may carry what an official notice has (headings, lists, tables, links), never pictures: an image
# in a call would load from elsewhere (the Content Security Policy forbids it) or be a tracking pixel.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a",
    "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
TEXT_FIELDS = ("call_text", "call_text_en", "call_contact")


def render_call(text: str) -> str:
    """Markdown to HTML, then sanitized by nh3: HTML written inside the Markdown passes the same allow-list."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@transaction.atomic
def save_call(campaign: Campaign, *, actor, call_text: str, call_text_en: str, call_contact: str) -> Campaign:
    values = {"call_text": call_text, "call_text_en": call_text_en, "call_contact": call_contact}
    changed = [field for field in TEXT_FIELDS if getattr(campaign, field) != values[field]]
    for field, value in values.items():
        setattr(campaign, field, value)
    # Only the call's own fields are checked: an older campaign's other settings are not this page's business.
    campaign.clean_fields(exclude=[field.name for field in Campaign._meta.fields if field.name not in TEXT_FIELDS])
    campaign.call_html = render_call(call_text)
    campaign.call_html_en = render_call(call_text_en)
    Campaign.objects.filter(pk=campaign.pk).update(
        **values, call_html=campaign.call_html, call_html_en=campaign.call_html_en
    )
    log_action("honors.call.updated", actor=actor, obj=campaign, data={"changed": changed})
    return campaign


def add_attachment(campaign: Campaign, *, actor, title: str, title_en: str, upload) -> CallAttachment:
    """A PDF or Word document judged by its content (laurel/core/uploads.py) before anything is written."""
    if upload is None:
        raise ValidationError({"file": _("Choose a PDF or Word (.docx) file.")})
    title, title_en = title.strip(), title_en.strip()
    if not title:
        raise ValidationError({"title": _("Give the attachment a title.")})
    upload.seek(0)
    is_pdf = upload.read(5) == b"%PDF-"
    upload.seek(0)
    judge, kind = (judge_pdf, CallAttachment.Kind.PDF) if is_pdf else (judge_docx, CallAttachment.Kind.DOCX)
    try:
        judged = judge(upload)
    except ValidationError as error:
        if error.code == "not_docx":
            error = ValidationError(_("Attach a PDF or a Word (.docx) document."), code="bad_attachment")
        raise ValidationError({"file": error.error_list}) from None
    # The file is written before the row; if the row cannot be written, the file goes too.
    field = CallAttachment._meta.get_field("file")
    name = field.storage.save(field.generate_filename(None, "upload"), judged)
    try:
        return _store_attachment(
            campaign, actor=actor, title=title, title_en=title_en, name=name, size=judged.size, kind=kind
        )
    except Exception:
        field.storage.delete(name)
        raise


@transaction.atomic
def _store_attachment(campaign, *, actor, title, title_en, name, size, kind) -> CallAttachment:
    # The campaign row is locked so two uploads at once cannot both take the last place.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if campaign.call_attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A call has at most %(limit)d attachments; remove one first.") % {"limit": MAX_ATTACHMENTS}
        )
    attachment = CallAttachment(
        campaign=campaign, title=title, title_en=title_en, kind=kind, size=size, created_by=actor, file=name
    )
    attachment.full_clean()
    attachment.save()
    log_action(
        "honors.call.attachment_added", actor=actor, obj=campaign, data={"title": title, "kind": kind, "size": size}
    )
    return attachment


@transaction.atomic
def remove_attachment(attachment: CallAttachment, *, actor) -> None:
    campaign, name, storage = attachment.campaign, attachment.file.name, attachment.file.storage
    deleted, _count = CallAttachment.objects.filter(pk=attachment.pk).delete()
    if not deleted:
        raise ValidationError(_("This attachment was already removed."))
    log_action("honors.call.attachment_removed", actor=actor, obj=campaign, data={"title": attachment.title})
    transaction.on_commit(lambda: storage.delete(name))


# The timeline: each step with the stages it covers and its dates.
ORDER = [stage.value for stage in Stage]


@dataclass(frozen=True)
class Step:
    label: str
    stages: tuple[str, ...]
    starts: datetime.date | None
    ends: datetime.date | None
    state: str  # "done", "current" or "upcoming"


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def timeline(campaign: Campaign) -> list[Step]:
    """The stages the public follows, with their dates where the campaign has them."""
    rows = [
        (_("Call and nominations"), (Stage.OPEN,), campaign.nomination_opens_at, campaign.nomination_deadline),
        (_("Eligibility check"), (Stage.ELIGIBILITY,), campaign.nomination_deadline, None),
        (
            _("Expert review"),
            (Stage.REVIEW, Stage.SECOND_REVIEW) if campaign.review_rounds == 2 else (Stage.REVIEW,),
            None,
            campaign.review_deadline,
        ),
    ]
    if campaign.public_vote:
        rows.append((_("Public vote"), (Stage.PUBLIC_VOTE,), campaign.vote_opens_at, campaign.vote_closes_at))
    rows += [
        (_("Committee decision"), (Stage.COMMITTEE,), None, None),
        (_("Public notice"), (Stage.NOTICE,), campaign.notice_starts_on, campaign.notice_ends_on),
        (_("Publication"), (Stage.PUBLISHED,), campaign.published_at, None),
    ]
    now = ORDER.index(campaign.stage)
    steps = []
    for label, stages, starts, ends in rows:
        positions = [ORDER.index(stage) for stage in stages]
        if campaign.stage == Stage.PUBLISHED and Stage.PUBLISHED in stages:
            state = "done"
        elif now in positions:
            state = "current"
        elif now > max(positions):
            state = "done"
        else:
            state = "upcoming"
        steps.append(Step(str(label), tuple(str(stage) for stage in stages), _day(starts), _day(ends), state))
    return steps
