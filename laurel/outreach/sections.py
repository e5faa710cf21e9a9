"""The lecture group's places on shared pages: header link, desk sections, front-page summary."""

from django.utils.translation import gettext_lazy as _

from laurel.core import registry
from laurel.outreach import permissions, queries


def _speaker_desk(request):
    from laurel.outreach.models import Talk

    user = request.user
    if not permissions.is_lecturer(user):
        return None
    talks = list(
        Talk.objects.filter(speaker__user=user)
        .exclude(status__in=[Talk.Status.CANCELLED, Talk.Status.DECLINED])
        .select_related("district", "topic")
        .order_by("-date")[:30]
    )
    return {
        "to_answer": [talk for talk in talks if talk.status == Talk.Status.DISPATCHED],
        "talks": [talk for talk in talks if talk.status != Talk.Status.DISPATCHED],
        "has_membership": user.memberships.filter(retired_on=None).exists(),
        "open_count": queries.open_requests().count(),
    }


def _staff_desk(request):
    from django.db.models import Count

    from laurel.outreach.models import Talk

    if not permissions.can_manage_talks(request.user):
        return None
    counts = dict(Talk.objects.values("status").annotate(total=Count("pk")).values_list("status", "total"))
    return {"counts": [(status, label, counts.get(status, 0)) for status, label in Talk.Status.choices]}


def _todos(user) -> list[registry.Todo]:
    """Talk requests staff must review, and reviewed ones waiting for a speaker: one grouped query."""
    from django.db.models import Count
    from django.urls import reverse

    from laurel.outreach.models import Talk

    if not permissions.can_manage_talks(user):
        return []
    waiting = [
        (Talk.Status.REQUESTED, _("Talk requests to review")),
        (Talk.Status.REVIEWED, _("Talk requests to dispatch")),
    ]
    counts = dict(
        Talk.objects.filter(status__in=[status for status, _label in waiting])
        .values("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    url = reverse("outreach:talk_list")
    return [registry.Todo(label, counts.get(status, 0), f"{url}?status={status}") for status, label in waiting]


def _front_page(request):
    from laurel.outreach import reports

    summary = reports.public_summary()
    if not summary["talks"]:
        return None
    return {**summary, "chart": reports.front_page_chart()}


def register() -> None:
    registry.register_nav(registry.NavItem(_("Lecture group"), "outreach:group_list", order=40))
    for order, (label, url_name, visible) in enumerate(
        [
            (_("Lecture groups and members"), "outreach:manage_groups", permissions.can_manage_groups),
            (_("Talk requests"), "outreach:talk_list", permissions.can_manage_talks),
            (_("Reach"), "outreach:reach", permissions.can_manage_talks),
        ]
    ):
        registry.register_nav(registry.NavItem(label, url_name, order=40 + order, visible=visible, group="outreach"))
    registry.register_desk(registry.Section("outreach/desk_speaker.html", _speaker_desk, order=40))
    registry.register_desk(registry.Section("outreach/desk_staff.html", _staff_desk, order=41))
    registry.register_front_page(registry.Section("outreach/front_page.html", _front_page, order=40))
    registry.register_todos(_todos, group="outreach")
