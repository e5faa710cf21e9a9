"""Technical needs on shared pages: header link, desk sections (expert, staff), front-page summary."""

from django.utils.translation import gettext_lazy as _

from laurel.core import registry
from laurel.needs import permissions


def _expert_desk(request):
    from laurel.needs import reports
    from laurel.needs.forms import FeedbackForm
    from laurel.needs.models import Need, Subscription

    user = request.user
    if not permissions.is_expert(user):
        return None
    matches = list(Need.objects.filter(expert=user).select_related("region").order_by("-introduced_at")[:20])
    return {
        "matches": matches,
        "feedback_form": FeedbackForm(),
        "subscribed": Subscription.objects.filter(user=user).exists(),
        "interests": user.need_interests.count(),
        "service": reports.service_totals(user),
    }


def _staff_desk(request):
    from laurel.needs.models import Need, ServiceRecord

    if not permissions.can_manage_needs(request.user):
        return None
    return {
        "to_moderate": Need.objects.filter(status=Need.Status.SUBMITTED).count(),
        "in_progress": Need.objects.filter(status__in=[Need.Status.INTRODUCED, Need.Status.MET]).count(),
        "to_validate": ServiceRecord.objects.filter(status=ServiceRecord.Status.SUBMITTED).count(),
        "expired": Need.objects.filter(status=Need.Status.EXPIRED).count(),
    }


def _front_page(request):
    from laurel.needs import reports

    summary = reports.public_summary()
    return summary if summary["posted"] else None


def register() -> None:
    registry.register_nav(registry.NavItem(_("Technical needs"), "needs:board", order=45))
    registry.register_desk(registry.Section("needs/desk_expert.html", _expert_desk, order=45))
    registry.register_desk(registry.Section("needs/desk_staff.html", _staff_desk, order=46))
    registry.register_front_page(registry.Section("needs/front_page.html", _front_page, order=45))
