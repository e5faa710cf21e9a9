"""Header link, desk sections and the front page's "latest honorees", registered in the core registry."""

from django.utils.translation import gettext_lazy as _

from laurel.core import registry


def nominator_desk(request):
    from laurel.honors import disclosure, permissions
    from laurel.honors.models import Campaign, Nomination

    units = permissions.nominator_units(request.user)
    if not units:
        return None
    return {
        "nominations": disclosure.with_shown(
            Nomination.objects.for_list().filter(unit_id__in=units).order_by("-updated_at")[:10]
        ),
        "open_campaigns": Campaign.objects.filter(stage="open"),
    }


def expert_desk(request):
    from laurel.honors import permissions
    from laurel.honors.models import Assignment

    if not permissions.is_expert(request.user):
        return None
    from laurel.people.accounts import needs_unit_declaration

    if needs_unit_declaration(request.user):
        return {"needs_unit": True}
    return {
        "waiting": Assignment.objects.released().filter(expert=request.user, review__isnull=True).count(),
        "deadlines": _review_deadlines(request.user),
    }


def _review_deadlines(user):
    """The expert's own review deadline for each campaign in review where they still have nominations to score."""
    from laurel.honors.deadlines import review_deadline_for
    from laurel.honors.models import Campaign

    campaigns = Campaign.objects.filter(
        stage__in=["review", "second_review"],
        review_deadline__isnull=False,
        nominations__assignments__expert=user,
        nominations__assignments__recused_at__isnull=True,
        nominations__assignments__draft=False,
        nominations__assignments__review__isnull=True,
    ).distinct()
    return [(campaign, review_deadline_for(campaign, user)) for campaign in campaigns]


def review_reminder_desk(request):
    """The notice of a reminder from the association, while the reviews it was about are still open."""
    from laurel.honors import permissions, progress

    if not permissions.is_expert(request.user):
        return None
    reminders = progress.desk_reminders(request.user)
    return {"reminders": reminders} if reminders else None


def staff_desk(request):
    from laurel.honors import desk, permissions
    from laurel.honors.models import Campaign

    if not permissions.can_manage_campaigns(request.user):
        return None
    return {"campaigns": Campaign.objects.all()[:10], "charts": desk.charts(desk.running_campaigns())}


def voter_desk(request):
    """Every signed-in user: the public votes open now, with a link to vote (and what is missing to vote)."""
    from django.utils import timezone

    from laurel.honors import permissions
    from laurel.honors.models import Campaign

    now = timezone.now()
    campaigns = list(
        Campaign.objects.filter(stage="public_vote", vote_opens_at__lte=now, vote_closes_at__gt=now).order_by(
            "vote_closes_at"
        )
    )
    if not campaigns:
        return None
    return {"campaigns": campaigns, "verified": permissions.has_verified_email(request.user)}


def honoree_desk(request):
    """A sci-tech worker whose account is linked to their profile: the honors published for them."""
    from laurel.honors.models import Nomination

    person = getattr(request.user, "person", None)
    if person is None:
        return None
    honors = list(
        Nomination.objects.selected()
        .filter(person=person, campaign__stage="published")
        .select_related("campaign")
        .order_by("-campaign__edition")
    )
    return {"honors": honors} if honors else None


def front_page(request):
    """The latest honorees with their photos, and the calls open for nominations (their call pages)."""
    from laurel.honors.models import Campaign
    from laurel.honors.views.public import latest_honorees

    section = latest_honorees() or {}
    section["open_calls"] = list(Campaign.objects.filter(stage="open").order_by("nomination_deadline")[:3])
    return section if section.get("campaign") or section["open_calls"] else None


NAV = registry.NavItem(label=_("Campaigns"), url_name="honors:campaign_list", order=20)
SECTIONS = [
    registry.DeskSection("honors/desk_nominator.html", nominator_desk, order=20),
    registry.DeskSection("honors/desk_expert.html", expert_desk, order=21),
    registry.DeskSection("honors/desk_review_reminder.html", review_reminder_desk, order=19),
    registry.DeskSection("honors/desk_staff.html", staff_desk, order=22),
    registry.DeskSection("honors/desk_voter.html", voter_desk, order=10),
    registry.DeskSection("honors/desk_honoree.html", honoree_desk, order=11),
]
FRONT_PAGE = registry.FrontPageSection("honors/front_honorees.html", front_page, order=20)


def register() -> None:
    from laurel.honors import desk, permissions

    registry.register_nav(NAV)
    registry.register_nav(
        registry.NavItem(
            label=_("Campaigns and nominations"),
            url_name="honors:campaign_list",
            order=20,
            visible=permissions.can_manage_campaigns,
            group="honors",
        )
    )
    for section in SECTIONS:
        registry.register_desk(section)
    registry.register_todos(desk.todos, group="honors")
    registry.register_front_page(FRONT_PAGE)
