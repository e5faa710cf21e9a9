from django.conf import settings

from laurel.core import permissions, registry


def laurel(request):
    user = getattr(request, "user", None)
    return {
        "association_name": settings.ASSOCIATION_NAME,
        "require_2fa": settings.LAUREL_REQUIRE_2FA,
        "is_staff_member": permissions.is_staff_member(user) if user is not None else False,
        "nav_items": registry.nav_items(user) if user is not None else [],
    }
