"""The public site search: one index table of public things and one function that queries it.

Articles, published campaigns' honorees, public events and the talk topics of active lecture group members are
written to `SearchEntry` by the services that change them (news's own services call `index_article`; lower apps
announce changes through `laurel.core.changes`, which `NewsConfig.ready()` connects to `on_changed`).
`rebuild()` (`manage.py rebuild_search_index`, the nightly task) writes the whole index anew.

`search()` is the only reader. On SQLite, terms of three characters or more go through the FTS5 trigram table
(migration 0004); shorter ones (a one- or two-character Chinese word) and every term on PostgreSQL are `LIKE`
matches on the same lower-cased `document` column, which PostgreSQL's pg_trgm GIN index serves. Terms are
always passed as quoted phrases or bound parameters, never as query syntax: `"`, `*`, `NEAR`, `-` are text.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from laurel.events.models import Event
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.publication import published_honorees
from laurel.news.models import Article, SearchEntry
from laurel.outreach.models import Membership, TalkTopic
from laurel.people.models import Person

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
PER_PAGE = 20
MAX_PAGE = 25  # with PER_PAGE, the most matches counted per kind: past 500, a visitor adds a word
SUMMARY_LENGTH = 300
KIND_ORDER = [SearchEntry.Kind.ARTICLE, SearchEntry.Kind.HONOREE, SearchEntry.Kind.EVENT, SearchEntry.Kind.TOPIC]
POSITIONS = {kind: position for position, kind in enumerate(KIND_ORDER)}
FTS_MIN_LENGTH = 3
# Above this many candidate entries the FTS5 table would hand back thousands of ids to sort; a LIKE filter read
# along the (position, date) index stops as soon as a page (and the capped counts) are full, and is faster.
FTS_MAX_ENTRIES = 2000  # the trigram tokenizer cannot match fewer characters


class QueryRefused(ValidationError):
    pass


@dataclass
class Hit:
    kind: str
    title: str
    summary: str
    url: str
    date: datetime.datetime | None
    title_html: SafeString = SafeString("")
    summary_html: SafeString = SafeString("")

    @property
    def kind_label(self) -> str:
        return SearchEntry.Kind(self.kind).label


@dataclass
class Results:
    query: str
    terms: list[str]
    kind: str | None
    page: int
    pages: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    capped: bool = False  # some kind has more matches than were counted


# ---------------------------------------------------------------------------------------------------- querying


def parse_query(query: str) -> list[str]:
    """The query's distinct lower-cased terms; refuses an empty or too long query with a message for the user."""
    query = (query or "").replace("\x00", "")
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryRefused(
            _("The search is too long: at most %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH}, code="too_long"
        )
    terms = list(dict.fromkeys(query.lower().split()))[:MAX_TERMS]
    if not terms:
        raise QueryRefused(_("Type a word to search for."), code="empty")
    return terms


def _fts_phrase(term: str) -> str:
    # A double-quoted FTS5 string is a phrase whatever it holds; its own quotes are doubled.
    return '"' + term.replace('"', '""') + '"'


def _matching(terms: list[str], now: datetime.datetime) -> QuerySet[SearchEntry]:
    entries = SearchEntry.objects.filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now))
    long_terms = [term for term in terms if len(term) >= FTS_MIN_LENGTH]
    if connection.vendor == "sqlite" and long_terms and _rarest_trigram(long_terms) <= FTS_MAX_ENTRIES:
        match = " AND ".join(_fts_phrase(term) for term in long_terms)
        entries = entries.filter(
            pk__in=RawSQL("SELECT rowid FROM news_searchentry_fts WHERE news_searchentry_fts MATCH %s", [match])
        )
        short_terms = [term for term in terms if len(term) < FTS_MIN_LENGTH]
    else:
        short_terms = terms
    for term in short_terms:
        entries = entries.filter(document__contains=term)
    return entries


def _rarest_trigram(terms: list[str]) -> int:
    """How many entries hold the rarest trigram of the terms (fts5vocab): an upper bound of the matches."""
    trigrams = sorted({term[index : index + 3] for term in terms for index in range(len(term) - 2)})
    placeholders = ", ".join(["%s"] * len(trigrams))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MIN(doc) FROM news_searchentry_vocab WHERE term IN ({placeholders})", trigrams
        )
        found, rarest = cursor.fetchone()
    return rarest if found == len(trigrams) else 0  # a trigram no entry holds: nothing can match


def search(query: str, *, kind: str | None = None, page: int = 1, per_page: int = PER_PAGE, language: str) -> Results:
    """Public things matching every term of `query`, grouped by kind (news, honorees, events, talks), newest first
    in each kind; `kind` narrows to one kind. Two queries whatever the number of hits."""
    terms = parse_query(query)
    if kind not in SearchEntry.Kind.values:
        kind = None
    entries = _matching(terms, timezone.now())
    cap = MAX_PAGE * per_page
    counts = _capped_counts(entries, cap)
    total = counts.get(kind, 0) if kind else sum(counts.values())
    pages = max(1, min(MAX_PAGE, -(-total // per_page)))
    page = max(1, min(page, pages))
    if kind:
        entries = entries.filter(position=POSITIONS[kind])
    # The index (position, -date, -id) gives this order: SQLite reads it until the page is full.
    ordered = entries.order_by("position", "-date", "-id")
    start = (page - 1) * per_page
    hits = []
    for entry in ordered[start : start + per_page]:
        title, summary = entry.display_title(language), entry.display_summary(language)
        hits.append(
            Hit(
                kind=entry.kind,
                title=title,
                summary=summary,
                url=entry.url,
                date=entry.date,
                title_html=highlight(title, terms),
                summary_html=highlight(summary, terms),
            )
        )
    return Results(
        query=query.replace("\x00", ""), terms=terms, kind=kind, page=page, pages=pages, total=total, counts=counts,
        hits=hits, capped=any(count >= cap for count in counts.values()),
    )  # fmt: skip


def _capped_counts(entries: QuerySet[SearchEntry], cap: int) -> dict[str, int]:
    """Matches per kind, each counted up to `cap` (no page past the cap is ever shown), in one query: a common
    word stops counting after `cap` hits instead of reading all its thousands."""
    parts, params = [], []
    for position in range(len(KIND_ORDER)):
        sql, part_params = entries.filter(position=position).order_by().values("id")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS kind_{position})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {kind: count for kind, count in zip(KIND_ORDER, row, strict=True) if count}


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` HTML-escaped, with each occurrence of a term in <mark>: the pieces are escaped one by one, so
    neither the text nor the query can bring markup."""
    if not text:
        return SafeString("")
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    pieces, position = [], 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[position : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


# ---------------------------------------------------------------------------------------------------- indexing


def _document(*parts: str) -> str:
    return "\n".join(part for part in parts if part).lower()


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _put(kind: str, object_id: int, values: dict[str, Any] | None) -> None:
    if values is None:
        SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
    else:
        values["position"] = POSITIONS[kind]
        SearchEntry.objects.update_or_create(kind=kind, object_id=object_id, defaults=values)


def _article_values(article: Article) -> dict[str, Any] | None:
    if article.status == Article.Status.DRAFT or article.release_at is None:
        return None
    body = strip_tags(article.body_html)
    return {
        "language": article.language,
        "title": article.title,
        "title_en": "",
        "summary": _shorten(article.summary or body),
        "summary_en": "",
        "url": article.get_absolute_url(),
        "document": _document(article.title, article.summary, body, article.source, article.reporter),
        "date": article.release_at,
        # A scheduled article is found from its release time on, without another write.
        "visible_from": article.release_at,
    }


def _honoree_values(nomination: Nomination) -> dict[str, Any]:
    person, campaign = nomination.person, nomination.campaign
    unit = person.organization
    return {
        "language": "",
        "title": person.name,
        "title_en": person.name_en,
        "summary": _shorten(" · ".join(filter(None, [campaign.name, nomination.citation, unit.name]))),
        "summary_en": _shorten(
            " · ".join(filter(None, [campaign.name_en or campaign.name, nomination.citation_en, unit.name_en]))
        ),
        "url": reverse("honors:results", kwargs={"code": campaign.code}),
        "document": _document(
            person.name,
            person.name_en,
            person.title,
            person.field,
            unit.name,
            unit.name_en,
            campaign.name,
            campaign.name_en,
            nomination.citation,
            nomination.citation_en,
        ),  # fmt: skip
        "date": campaign.published_at,
        "visible_from": None,
    }


def _event_values(event: Event) -> dict[str, Any] | None:
    if not event.is_public:
        return None
    return {
        "language": "",
        "title": event.theme,
        "title_en": event.theme_en,
        "summary": _shorten(f"{timezone.localtime(event.start_at):%Y-%m-%d %H:%M} · {event.venue}"),
        "summary_en": "",
        "url": event.get_public_url(),
        "document": _document(event.theme, event.theme_en, event.venue, event.get_kind_display()),
        "date": event.start_at,
        "visible_from": None,
    }


def _topic_values(topic: TalkTopic) -> dict[str, Any] | None:
    membership = topic.membership
    if membership.retired_on is not None:
        return None
    person, group = membership.person, membership.group
    return {
        "language": topic.language,
        "title": topic.title,
        "title_en": "",
        "summary": _shorten(" · ".join(filter(None, [person.name, group.name, topic.abstract]))),
        "summary_en": _shorten(
            " · ".join(filter(None, [person.name_en or person.name, group.name_en or group.name, topic.abstract]))
        ),
        "url": group.get_absolute_url(),
        "document": _document(topic.title, topic.abstract, person.name, person.name_en, group.name, group.name_en),
        "date": None,
        "visible_from": None,
    }


def index_article(article: Article) -> None:
    _put(SearchEntry.Kind.ARTICLE, article.pk, _article_values(article))


def index_event(event: Event) -> None:
    _put(SearchEntry.Kind.EVENT, event.pk, _event_values(event))


def index_topic(topic: TalkTopic) -> None:
    _put(SearchEntry.Kind.TOPIC, topic.pk, _topic_values(topic))


def index_campaign(campaign: Campaign) -> None:
    """A published campaign's honorees are found; before publication (or after a replacement) none that is not."""
    honorees = list(published_honorees(campaign).select_related("campaign"))
    SearchEntry.objects.filter(kind=SearchEntry.Kind.HONOREE, object_id__in=campaign.nominations.values("pk")).exclude(
        object_id__in=[nomination.pk for nomination in honorees]
    ).delete()
    for nomination in honorees:
        _put(SearchEntry.Kind.HONOREE, nomination.pk, _honoree_values(nomination))


def _topics() -> QuerySet[TalkTopic]:
    return TalkTopic.objects.select_related("membership__person", "membership__group")


def on_changed(obj: Any) -> None:
    """The listener of `laurel.core.changes`: reindex what a lower app's service just wrote."""
    if isinstance(obj, Event):
        index_event(obj)
    elif isinstance(obj, Campaign):
        index_campaign(obj)
    elif isinstance(obj, TalkTopic):
        index_topic(_topics().get(pk=obj.pk))
    elif isinstance(obj, Membership):
        for topic in _topics().filter(membership=obj):
            index_topic(topic)
    elif isinstance(obj, Person):
        for campaign in Campaign.objects.filter(stage=Stage.PUBLISHED, nominations__person=obj).distinct():
            index_campaign(campaign)
        for topic in _topics().filter(membership__person=obj):
            index_topic(topic)


@transaction.atomic
def rebuild() -> int:
    """Write the whole index anew from the public things; returns the number of entries."""
    SearchEntry.objects.all().delete()
    entries = []
    for article in Article.objects.exclude(status=Article.Status.DRAFT).iterator(chunk_size=500):
        if values := _article_values(article):
            entries.append(
                SearchEntry(
                    kind=SearchEntry.Kind.ARTICLE,
                    position=POSITIONS[SearchEntry.Kind.ARTICLE],
                    object_id=article.pk,
                    **values,
                )
            )
    for campaign in Campaign.objects.filter(stage=Stage.PUBLISHED):
        for nomination in published_honorees(campaign).select_related("campaign"):
            entries.append(
                SearchEntry(
                    kind=SearchEntry.Kind.HONOREE,
                    position=POSITIONS[SearchEntry.Kind.HONOREE],
                    object_id=nomination.pk,
                    **_honoree_values(nomination),
                )
            )
    for event in Event.objects.public():
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.EVENT,
                position=POSITIONS[SearchEntry.Kind.EVENT],
                object_id=event.pk,
                **_event_values(event),
            )
        )
    for topic in _topics().filter(membership__retired_on=None):
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.TOPIC,
                position=POSITIONS[SearchEntry.Kind.TOPIC],
                object_id=topic.pk,
                **_topic_values(topic),
            )
        )
    SearchEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)
