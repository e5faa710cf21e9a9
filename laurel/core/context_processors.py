from django.conf import settings

from laurel.core import identity, permissions, registry


def laurel(request):
    user = getattr(request, "user", None)
    site = identity.current()
    return {
        "site_identity": site,
        "association_name": site.display_name(),
        "association_about": site.display_about(),
        "association_address": site.display_address(),
        # settings.LANGUAGES as written (each in its own words); Django's own tag would translate them
        "own_language_names": settings.LANGUAGES,
        "require_2fa": settings.LAUREL_REQUIRE_2FA,
        "is_staff_member": permissions.is_staff_member(user) if user is not None else False,
        "nav_items": registry.nav_items(user) if user is not None else [],
        "staff_menus": registry.staff_menus(user) if getattr(user, "is_authenticated", False) else [],
    }
