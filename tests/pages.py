"""Every page kind issue 16 measures, and a way to grow the demo data N-fold under each of them.

Shared by the query-count test (tests/test_page_queries.py: the same number of queries at 1x and 3x) and the
benchmark (bench/pages.py: req/s at 1x and 10x). Growing copies the rows each page lists (units, sci-tech workers,
nominations with their reviews, scores and votes, lecture-group members with their topics and talks, events with
their agenda and attendees, articles, certificates), each copy with fresh codes and tokens, in bulk.
"""

import itertools

from django.db import models

BIG_CAMPAIGN_NAME = "bench 2000 nominations"
STAFF, EXPERT, MEMBER = "staff@laurel.demo", "expert@laurel.demo", "member@laurel.demo"


def page_kinds() -> list[dict]:
    """Each page kind: {"kind", "audience" (public, api or staff: the target it answers to), "path", "persona"}."""
    from laurel.certificates.models import Certificate
    from laurel.events.models import Event
    from laurel.honors.models import Campaign, Stage
    from laurel.outreach.models import LectureGroup, Talk

    published = Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("pk").first()
    voting = Campaign.objects.filter(stage=Stage.PUBLIC_VOTE).order_by("pk").first()
    noticed = Campaign.objects.filter(stage=Stage.NOTICE).order_by("pk").first()
    event = Event.objects.order_by("-pk").filter(code="EVSYMP2027").first() or Event.objects.order_by("-pk").first()
    group = LectureGroup.objects.order_by("pk").first()
    talk = Talk.objects.filter(code="TAAADEMO").first() or Talk.objects.order_by("pk").first()
    certificate = Certificate.objects.filter(status="valid").order_by("pk").first()
    rows = [
        ("campaign results", "public", f"/campaigns/{published.code}/results/", ""),
        ("campaign page", "public", f"/campaigns/{published.code}/", ""),
        ("public vote page", "public", f"/campaigns/{voting.code}/vote/", ""),
        ("lecture-group menu", "public", "/lecture-groups/topics/", ""),
        ("lecture groups", "public", "/lecture-groups/", ""),
        ("lecture group page", "public", f"/lecture-groups/{group.slug}/", ""),
        ("talk page (host link)", "public", f"/lecture-groups/follow/{talk.follow_token}/", ""),
        ("events list", "public", "/events/", ""),
        ("event page", "public", f"/events/{event.code}/", ""),
        ("certificate verification", "public", f"/verify/{certificate.token}/", ""),
        ("news list", "public", "/news/", ""),
        ("API campaigns", "api", "/api/v1/campaigns", ""),
        ("API vote candidates", "api", f"/api/v1/campaigns/{voting.code}/vote/candidates", ""),
        ("API articles", "api", "/api/v1/articles", ""),
        ("API events", "api", "/api/v1/events", ""),
        ("API lecture groups", "api", "/api/v1/outreach/groups", ""),
        ("API topics", "api", "/api/v1/outreach/topics", ""),
        ("API organizations", "api", "/api/v1/organizations", ""),
        ("API persons", "api", "/api/v1/persons", ""),
        ("nominations list", "staff", f"/campaigns/{published.code}/nominations/", STAFF),
        ("ranking / committee", "staff", f"/campaigns/{published.code}/ranking/", STAFF),
        ("assignment", "staff", f"/campaigns/{published.code}/assignment/", STAFF),
        ("reach dashboard", "staff", "/lecture-groups/talks/reach/", STAFF),
        ("vote figures", "staff", f"/campaigns/{voting.code}/vote/staff/", STAFF),
        ("talk page (staff)", "staff", f"/lecture-groups/talks/{talk.code}/", STAFF),
        ("staff desk", "staff", "/dashboard/", STAFF),
        ("expert desk", "staff", "/dashboard/", EXPERT),
        ("expert reviews", "staff", "/campaigns/reviews/", EXPERT),
        ("member desk", "staff", "/dashboard/", MEMBER),
    ]
    if noticed is not None:
        rows.insert(1, ("public notice", "public", f"/campaigns/{noticed.code}/notice/", ""))
    big = Campaign.objects.filter(name=BIG_CAMPAIGN_NAME).first()
    if big is not None:
        rows += [
            ("2,000 nominations, page 3", "staff", f"/campaigns/{big.code}/nominations/?page=3", STAFF),
            ("2,000 nominations, filtered", "staff", f"/campaigns/{big.code}/nominations/?status=eligible", STAFF),
        ]
    return [{"kind": kind, "audience": audience, "path": path, "persona": who} for kind, audience, path, who in rows]


def _fresh(model, obj, copy: int, **changes):
    """An unsaved copy of `obj`: new primary key, new codes and tokens, unique names suffixed, one-to-one links
    cleared (a copy is its own row, never the other end of the original's link)."""
    clone = model(**{field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields})
    clone.pk = None
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.unique:
            continue
        if isinstance(field, models.OneToOneField):
            setattr(clone, field.attname, None)
        elif field.has_default() and callable(field.default):
            setattr(clone, field.attname, field.default())
        elif isinstance(field, models.CharField):
            suffix = f"-{copy}"
            setattr(clone, field.attname, str(getattr(obj, field.attname))[: field.max_length - len(suffix)] + suffix)
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def _copies(model, objects, copy: int, change=lambda obj: {}) -> dict[int, object]:
    """Bulk-creates one copy of each object; returns {original pk: copy}."""
    objects = list(objects)
    clones = [_fresh(model, obj, copy, **change(obj)) for obj in objects]
    model.objects.bulk_create(clones, batch_size=500)
    if clones and clones[0].pk is None:  # a backend that does not return primary keys from bulk inserts
        raise RuntimeError("bulk_create did not return primary keys")
    return {obj.pk: clone for obj, clone in zip(objects, clones, strict=True)}


def grow(factor: int) -> None:
    """Adds factor - 1 copies of the demo's rows under every measured page (call inside a transaction)."""
    from laurel.certificates.models import Certificate
    from laurel.events.models import AgendaItem, Attendee, Event
    from laurel.honors.models import Nomination
    from laurel.news.models import Article
    from laurel.outreach.models import Membership, Talk
    from laurel.people.models import Organization, Person

    tops = {
        model: model.objects.aggregate(top=models.Max("pk"))["top"] or 0
        for model in (
            Organization,
            Person,
            Nomination,
            Membership,
            Talk,
            Event,
            AgendaItem,
            Attendee,
            Article,
            Certificate,
        )
    }
    for copy in range(1, factor):
        _grow_once(copy, tops)


def add_big_campaign(size: int = 2000) -> None:
    """A campaign with `size` nominations (copies of the published demo campaign's), for the staff list."""
    from laurel.honors.models import Campaign, Nomination, Stage
    from laurel.people.models import Person

    source = Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("pk").first()
    campaign = _fresh(Campaign, source, 0, name=BIG_CAMPAIGN_NAME, stage=Stage.REVIEW, edition=source.edition + 100)
    campaign.save()
    originals = list(source.nominations.all())
    made = 0
    for copy in itertools.count(1):
        batch = originals[: size - made]
        persons = _copies(Person, Person.objects.filter(pk__in=[n.person_id for n in batch]), 1000 + copy)
        _copies(
            Nomination,
            batch,
            copy,
            lambda n, persons=persons: {"campaign_id": campaign.pk, "person_id": persons[n.person_id].pk},
        )
        made += len(batch)
        if made >= size:
            return


def _grow_once(copy: int, tops: dict) -> None:
    from laurel.certificates.models import Certificate
    from laurel.events.models import AgendaItem, AgendaPerson, Attendee, Event, EventOrganizer
    from laurel.honors.models import Assignment, CriterionScore, Nomination, Review, Vote
    from laurel.news.models import Article
    from laurel.outreach.models import Membership, Talk, TalkTopic
    from laurel.people.models import Organization, Person

    def originals(model):
        return model.objects.filter(pk__lte=tops[model]).order_by("pk")

    units: dict[int, object] = {}
    for unit in originals(Organization):  # parents first (lower keys), so a child's parent is already copied
        units.update(
            _copies(
                Organization,
                [unit],
                copy,
                lambda o: {"parent_id": units[o.parent_id].pk if o.parent_id in units else o.parent_id},
            )
        )
    persons = _copies(
        Person,
        originals(Person),
        copy,
        lambda p: {
            "user_id": None,
            "organization_id": units[p.organization_id].pk if p.organization_id in units else p.organization_id,
        },
    )

    def person_of(pk):
        return persons[pk].pk if pk in persons else pk

    nominations = _copies(
        Nomination,
        originals(Nomination),
        copy,
        lambda n: {"person_id": person_of(n.person_id)},
    )
    assignments = _copies(
        Assignment,
        Assignment.objects.filter(nomination_id__in=nominations),
        copy,
        lambda a: {"nomination_id": nominations[a.nomination_id].pk},
    )
    reviews = _copies(
        Review,
        Review.objects.filter(assignment_id__in=assignments),
        copy,
        lambda r: {"assignment_id": assignments[r.assignment_id].pk},
    )
    _copies(
        CriterionScore,
        CriterionScore.objects.filter(review_id__in=reviews),
        copy,
        lambda s: {"review_id": reviews[s.review_id].pk},
    )
    _copies(
        Vote,
        Vote.objects.filter(nomination_id__in=nominations),
        copy,
        lambda v: {"nomination_id": nominations[v.nomination_id].pk},
    )

    memberships = _copies(
        Membership,
        originals(Membership).exclude(role="head"),
        copy,
        lambda m: {"person_id": person_of(m.person_id), "user_id": None},
    )
    _copies(
        TalkTopic,
        TalkTopic.objects.filter(membership_id__in=memberships),
        copy,
        lambda t: {"membership_id": memberships[t.membership_id].pk},
    )
    _copies(
        Talk,
        originals(Talk).filter(models.Q(speaker_id__in=memberships) | models.Q(speaker=None)),
        copy,
        lambda t: {
            "speaker_id": memberships[t.speaker_id].pk if t.speaker_id in memberships else None,
            "wanted_speaker_id": None,
            "topic_id": None,
        },
    )

    events = _copies(Event, originals(Event), copy, lambda e: {})
    all_events = {**{pk: pk for pk in events}, **{pk: clone.pk for pk, clone in events.items()}}
    _copies(
        EventOrganizer,
        EventOrganizer.objects.filter(event_id__in=events),
        copy,
        lambda o: {"event_id": events[o.event_id].pk},
    )
    # Original events get more agenda and attendees too: an event page lists them. Only the demo's own items are
    # copied (pk <= top), so the agenda grows N-fold, not 2^N-fold as copying the copies would.
    items = _copies(
        AgendaItem, AgendaItem.objects.filter(event_id__in=list(events), pk__lte=tops[AgendaItem]), copy, lambda i: {}
    )
    _copies(
        AgendaPerson,
        AgendaPerson.objects.filter(item_id__in=items),
        copy,
        lambda p: {"item_id": items[p.item_id].pk, "person_id": person_of(p.person_id) if p.person_id else None},
    )
    _copies(
        Attendee,
        Attendee.objects.filter(event_id__in=list(all_events)).filter(pk__lte=tops[Attendee]),
        copy,
        lambda a: {
            "email": f"{copy}.{a.email}" if a.email else "",
            "person_id": person_of(a.person_id) if a.person_id else None,
        },
    )

    articles = originals(Article).filter(translation_of=None)
    _copies(Article, articles, copy, lambda a: {"title": f"{a.title} ({copy})", "translation_of_id": None})

    top_index = Certificate.objects.aggregate(top=models.Max("status_index"))["top"] or 0
    counter = itertools.count(top_index + 1)
    _copies(
        Certificate,
        originals(Certificate).filter(supersedes=None),
        copy,
        lambda c: {
            "number": f"{c.number}-{copy}",
            "status_index": next(counter),
            "recipient_id": person_of(c.recipient_id) if c.recipient_id else None,
        },
    )
