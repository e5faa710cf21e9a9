"""Plug certificates into the shared pages (header link, the honoree's desk) and into honors (how many honor
certificates a campaign already has, shown on its texts-for-publication page)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laurel.certificates import handoffs, openapi, permissions
from laurel.certificates.models import Certificate, IssuanceBatch
from laurel.core.api import register_openapi_paths
from laurel.core.registry import DeskSection, NavItem, Todo, register_desk, register_nav, register_todos
from laurel.honors.texts import register_issued_counter


def _my_certificates(request):
    user = request.user
    if not user.is_authenticated:
        return None
    certificates = list(
        Certificate.objects.current().filter(recipient__user=user).select_related("recipient").order_by("-issued_on")
    )
    return {"certificates": certificates} if certificates else None


def _todos(user) -> list[Todo]:
    """Batches still waiting or issuing (their progress bars are at the top of the certificates page): one count."""
    if not permissions.can_manage_certificates(user):
        return []
    count = IssuanceBatch.objects.filter(
        status__in=[IssuanceBatch.Status.PENDING, IssuanceBatch.Status.RUNNING]
    ).count()
    return [Todo(gettext("Certificate batches being issued"), count, reverse("certificates:certificate_list"))]


register_nav(NavItem(_("Verify a certificate"), "certificates:verify_upload", order=80))
register_nav(
    NavItem(
        _("Certificates and batches"),
        "certificates:certificate_list",
        order=90,
        visible=permissions.can_manage_certificates,
        group="certificates",
    )
)
register_nav(
    NavItem(
        _("Hand-offs to issue"),
        "certificates:handoff_list",
        order=91,
        visible=permissions.can_manage_certificates,
        group="certificates",
    )
)
register_desk(DeskSection("certificates/desk_section.html", _my_certificates, order=50))
register_todos(_todos, group="certificates")
register_issued_counter(handoffs.issued_for_campaign)
register_openapi_paths(openapi.PATHS)
register_openapi_paths(openapi.WALLET_PATHS)
