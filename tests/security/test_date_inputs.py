"""Nothing lost in Chinese: every form shows its saved values so that a browser sends them back unchanged, in
zh-hans and in English. The browser is simulated faithfully where it matters: a date input whose value is not
`YYYY-MM-DD` is shown and sent as empty, and a form with an empty required field or a time off its step is not
sent at all (HTML's value sanitization and constraint validation)."""

import datetime
import importlib
import pkgutil
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.models import construct_instance, model_to_dict
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

import laurel
from laurel.events.models import Event
from laurel.honors.models import Campaign, EligibilityRule, PanelMember, RepresentationRule, Stage, Trait, VettingBody
from laurel.news.models import Section, Tag
from laurel.outreach.models import BlockedDate, Membership, Talk
from laurel.people.models import Person
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.events import EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.news import ArticleFactory
from tests.factories.outreach import LectureGroupFactory, MembershipFactory, TalkFactory, district
from tests.factories.people import OrganizationFactory, PersonFactory, UserFactory

LANGUAGES = ["zh-hans", "en"]


# The browser ----------------------------------------------------------------------------------------------

DATE = re.compile(r"(\d{4,})-(\d{2})-(\d{2})")
LOCAL_DATETIME = re.compile(r"(\d{4,}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?")
NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")


class BrowserRefuses(AssertionError):
    """The browser would not send the form: a user could not save it unchanged."""


def _valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(DATE.fullmatch(text))


def sanitize(control: dict) -> str:
    """The value an input holds after HTML's value sanitization algorithm for its type."""
    kind, value = control.get("type", "text"), control.get("value", "")
    if kind == "date":
        return value if _valid_date(value) else ""
    if kind == "datetime-local":
        match = LOCAL_DATETIME.fullmatch(value)
        if not match or not _valid_date(match[1]) or int(match[2]) > 23 or int(match[3]) > 59:
            return ""
        seconds = int(match[4] or 0)
        if seconds and control.get("step") not in ("1", "any"):
            raise BrowserRefuses(f"{control.get('name')}: {value} is off the input's step of 60 seconds")
        return value.replace(" ", "T")
    if kind == "number":
        return value if NUMBER.fullmatch(value) else ""
    if kind in ("email", "url"):
        return value.replace("\r", "").replace("\n", "").strip()
    if kind in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    return value


class FormReader(HTMLParser):
    """Reads the controls of each `<form>` of a page (or of a bare rendered form) as the browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = [{"attrs": {}, "controls": []}]
        self._select = None
        self._option = None
        self._textarea = None

    @property
    def _controls(self) -> list:
        return self.forms[-1]["controls"]

    def handle_starttag(self, tag, attrs):
        attrs = {name: "" if value is None else value for name, value in attrs}
        if tag == "form":
            self.forms.append({"attrs": attrs, "controls": []})
        elif tag == "input":
            self._controls.append({"tag": "input", **attrs})
        elif tag == "select":
            self._select = {"tag": "select", **attrs, "options": []}
            self._controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {**attrs, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", **attrs, "value": ""}
            self._controls.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        elif self._option is not None:
            self._option["text"] += data


def submitted(controls: list[dict], *, validate: bool = True) -> QueryDict:
    """What the browser sends for these controls when the user changes nothing (files: none chosen). With
    `validate` (a form without `novalidate`), it refuses to send an empty required field or a time off its step."""
    data = QueryDict(mutable=True)
    for control in controls:
        name = control.get("name")
        if not name or "disabled" in control:
            continue
        if control["tag"] == "select":
            options = [option for option in control["options"] if "disabled" not in option]
            chosen = [option for option in options if "selected" in option]
            if not chosen and "multiple" not in control and options:
                chosen = options[:1]  # a single select shows, and sends, its first option
            values = [option.get("value", option["text"].strip()) for option in chosen]
        elif control["tag"] == "textarea":
            values = [control["value"].removeprefix("\n")]  # HTML drops the newline after <textarea>
        elif control.get("type") in ("checkbox", "radio"):
            values = [control.get("value", "on")] if "checked" in control else []
        elif control.get("type") in ("file", "submit", "button", "reset", "image"):
            continue
        else:
            try:
                values = [sanitize(control)]
            except BrowserRefuses:
                if validate:
                    raise
                values = [control.get("value", "")]
        if validate and "required" in control and not any(values):
            raise BrowserRefuses(f"{name} is required but the browser shows it empty")
        for value in values:
            data.appendlist(name, value)
    return data


def read_form(html: str, field: str | None = None) -> QueryDict:
    """The data of the page's form holding `field` (or of a bare rendered form)."""
    reader = FormReader()
    reader.feed(html)
    candidates = [form for form in reader.forms if form["controls"]]
    if field is not None:
        candidates = [form for form in candidates if any(c.get("name") == field for c in form["controls"])]
    assert len(candidates) == 1, f"{len(candidates)} forms hold {field}"
    return submitted(candidates[0]["controls"], validate="novalidate" not in candidates[0]["attrs"])


# Every form of Laurel ----------------------------------------------------------------------------------------


def _laurel_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(laurel.__path__, "laurel."):
        if ".migrations" not in module.name and not module.name.endswith((".wsgi", ".settings")):
            importlib.import_module(module.name)
    found, queue = set(), [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.startswith("laurel."):
                found.add(subclass)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


LAUREL_FORMS = _laurel_forms()
DATE_FIELDS = [
    (form, name)
    for form in LAUREL_FORMS
    for name, field in form.base_fields.items()
    if isinstance(field, forms.DateField | forms.DateTimeField)
]
SAMPLE = datetime.datetime(1964, 1, 9, 8, 5, tzinfo=datetime.UTC)


def _label(value) -> str:
    return value.__qualname__ if isinstance(value, type) else str(value)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("form", "name"), DATE_FIELDS, ids=[f"{f.__qualname__}.{n}" for f, n in DATE_FIELDS])
def test_every_date_input_writes_iso_in_every_language(form, name, language):
    field = form.base_fields[name]
    with translation.override(language):
        value = SAMPLE.date() if isinstance(field, forms.DateField) else timezone.localtime(SAMPLE)
        html = field.widget.render(name, field.prepare_value(value))
    control = read_form(html)
    if isinstance(field, forms.DateField):
        assert (field.widget.input_type, control[name]) == ("date", "1964-01-09")
    else:
        assert (field.widget.input_type, control[name]) == ("datetime-local", "1964-01-09T16:05")


def test_dates_are_found_in_every_app():
    apps = {form.__module__.split(".")[1] for form, _name in DATE_FIELDS}
    assert apps >= {"certificates", "events", "honors", "news", "outreach", "people"}


# Every model form, saved unchanged -----------------------------------------------------------------------------


def _moment(**delta) -> datetime.datetime:
    """A time with seconds and microseconds, as the API or a script would save it."""
    return timezone.now().replace(second=37, microsecond=123456) + datetime.timedelta(**delta)


def _campaign():
    return CampaignFactory(
        name_en="Most Beautiful 2026", organizers="云州市科协", public_vote=True, public_vote_weight=30,
        vote_opens_at=_moment(days=20), vote_closes_at=_moment(days=27), nomination_opens_at=_moment(days=-3),
        review_deadline=_moment(days=40), holidays=["2026-10-01", "2026-10-02"],
    )  # fmt: skip


def _nomination():
    nomination = NominationFactory(
        citation="扎根一线", citation_en="Rooted", titles_held="劳动模范", video_url="https://v.example.org/1"
    )
    return nomination, {"units": [nomination.unit]}


def _article():
    article = ArticleFactory(
        event=EventFactory(), campaign=CampaignFactory(), lecture_group=LectureGroupFactory(),
        link_url="https://example.org/more", link_label="更多", cover_credit="摄影 林晓", release_at=_moment(hours=-2),
    )  # fmt: skip
    article.tags.add(Tag.objects.create(name="座谈会"))
    return article


def _eligibility():
    rule = CampaignFactory().eligibility
    rule.born_on_or_after, rule.min_years_in_city, rule.excluded_titles = datetime.date(1964, 1, 1), 5, "院士"
    rule.save()
    return rule


def _membership():
    membership = MembershipFactory(reach=Membership.Reach.ONSITE, yearly_target=12, available=[(0, "morning")])
    membership.districts.add(district("西山区"))
    BlockedDate.objects.create(membership=membership, date=datetime.date(2031, 2, 3))
    BlockedDate.objects.create(membership=membership, date=datetime.date(2031, 1, 5))
    return membership


MODEL_FORMS = {
    "laurel.certificates.forms.TemplateForm": lambda: CertificateTemplateFactory(),
    "laurel.events.forms.EventForm": lambda: EventFactory(
        capacity=120,
        registration_open=True,
        start_at=_moment(days=7),
        end_at=_moment(days=7, hours=3),
        campaign=CampaignFactory(stage=Stage.PUBLISHED),
    ),  # fmt: skip
    "laurel.honors.forms.CampaignForm": _campaign,
    "laurel.honors.forms.NominationForm": _nomination,
    "laurel.honors.forms.RuleForm": lambda: RepresentationRule.objects.create(
        campaign=CampaignFactory(),
        trait=Trait.FEMALE,
        bound=RepresentationRule.Bound.MIN,
        measure=RepresentationRule.Measure.SHARE,
        value=30,
        hard=False,
    ),  # fmt: skip
    "laurel.honors.forms.CriterionForm": lambda: CampaignFactory().criteria.first(),
    "laurel.honors.forms.EligibilityRuleForm": _eligibility,
    "laurel.honors.forms.ProfileForm": lambda: PanelMember.objects.create(
        campaign=CampaignFactory(),
        expert=UserFactory(),
        fields="材料,化学",
        keywords="石墨烯",
        expertise="新材料",
        region="东湖区",
        senior=True,
    ),  # fmt: skip
    "laurel.honors.forms.VettingBodyForm": lambda: VettingBody.objects.create(
        campaign=CampaignFactory(), name="公安机关", name_en="Police", order=2
    ),
    "laurel.news.forms.ArticleForm": _article,
    "laurel.news.forms.SectionForm": lambda: Section.objects.create(
        slug="kepu-2", name="科普专栏", name_en="Science for all", order=4, is_notice=False
    ),
    "laurel.outreach.forms.ExpensesForm": lambda: TalkFactory(
        fee=Decimal("800.00"), travel_cost=Decimal("120.50"), paid_by=Talk.Payer.SHARED
    ),
    "laurel.outreach.forms.ProfileForm": _membership,
    "laurel.outreach.forms.GroupForm": lambda: LectureGroupFactory(description="宣讲", description_en="Talks"),
    "laurel.people.forms.OrganizationForm": lambda: OrganizationFactory(parent=OrganizationFactory()),
    "laurel.people.forms.PersonForm": lambda: PersonFactory(
        date_of_birth=datetime.date(1964, 1, 1),
        title="研究员",
        position_en="Director",
        title_en="Research Fellow",
        is_front_line=True,
        is_public=True,
        bio="材料科学家",
        email="wang@example.org",
    ),  # fmt: skip
}
# Forms that only ever create (their views never show a saved instance).
# Forms that only ever create (no view passes them an instance): nothing saved to compare.
CREATE_ONLY = {
    "laurel.outreach.forms.TalkRequestForm",
    "laurel.outreach.forms.TopicForm",
    "laurel.consultations.forms.ConsultationForm",
    "laurel.consultations.forms.SubmissionForm",
    "laurel.needs.forms.NeedForm",
    "laurel.needs.forms.ServiceForm",
}
LAUREL_MODEL_FORMS = {
    f"{form.__module__}.{form.__qualname__}": form for form in LAUREL_FORMS if issubclass(form, forms.ModelForm)
}


def test_every_model_form_is_saved_unchanged_below():
    assert set(LAUREL_MODEL_FORMS) == set(MODEL_FORMS) | CREATE_ONLY


def _comparable(values: dict) -> dict:
    """Sub-second precision is not shown by Django's datetime widgets (`supports_microseconds` is false)."""
    return {
        name: value.replace(microsecond=0) if isinstance(value, datetime.datetime) else value
        for name, value in values.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", sorted(MODEL_FORMS))
def test_every_model_form_saved_unchanged_changes_nothing(path, language):
    made = MODEL_FORMS[path]()
    instance, kwargs = made if isinstance(made, tuple) else (made, {})
    form_class = LAUREL_MODEL_FORMS[path]
    with translation.override(language):
        shown = form_class(instance=instance, **kwargs)
        data = read_form(str(shown))
        fresh = type(instance).objects.get(pk=instance.pk)
        sent = form_class(data=data, files={}, instance=fresh, **kwargs)
        assert sent.is_valid(), sent.errors
        assert sent.changed_data == []
    names = [name for name in sent._meta.fields if name in sent.fields]  # declared extras: `changed_data` above
    saved = model_to_dict(type(instance).objects.get(pk=instance.pk), fields=names)
    many = {name for name in names if fresh._meta.get_field(name).many_to_many}
    after = model_to_dict(construct_instance(sent, fresh, fields=names), fields=[n for n in names if n not in many])
    after |= {name: list(sent.cleaned_data[name]) for name in many}
    assert _comparable(after) == _comparable(saved)


# Through the pages ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_person_saved_unchanged_keeps_the_date_of_birth(staff_client, language):
    person = PersonFactory(date_of_birth=datetime.date(1964, 1, 1))
    url = reverse("people:person_update", kwargs={"code": person.code})
    page = staff_client.get(url, headers={"accept-language": language}).content.decode()
    response = staff_client.post(url, read_form(page, "date_of_birth"), headers={"accept-language": language})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).date_of_birth == datetime.date(1964, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_eligibility_saved_unchanged_keeps_the_age_limit(staff_client, language):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    EligibilityRule.objects.filter(campaign=campaign).update(born_on_or_after=datetime.date(1964, 1, 1))
    page = staff_client.get(campaign.get_absolute_url(), headers={"accept-language": language}).content.decode()
    url = reverse("honors:eligibility_set", kwargs={"code": campaign.code})
    staff_client.post(url, read_form(page, "born_on_or_after"), headers={"accept-language": language})
    assert Campaign.objects.get(pk=campaign.pk).eligibility.born_on_or_after == datetime.date(1964, 1, 1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_person_and_event_saved_unchanged_in_chinese_in_a_real_browser(page, staff):
    person = PersonFactory(date_of_birth=datetime.date(1964, 1, 1))
    event = EventFactory(start_at=_moment(days=7), end_at=_moment(days=7, hours=3))
    login(page, staff)

    page.goto(reverse("people:person_update", kwargs={"code": person.code}))
    assert page.input_value("input[name=date_of_birth]") == "1964-01-01"
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{person.get_absolute_url()}")
    assert Person.objects.get(pk=person.pk).date_of_birth == datetime.date(1964, 1, 1)

    page.goto(reverse("events:event_update", kwargs={"code": event.code}))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{reverse('events:event_detail', kwargs={'code': event.code})}")
    saved = Event.objects.get(pk=event.pk)
    assert (saved.start_at, saved.end_at) == (
        event.start_at.replace(microsecond=0),
        event.end_at.replace(microsecond=0),
    )
