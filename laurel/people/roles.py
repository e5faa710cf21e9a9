from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    STAFF = "staff", _("Association staff")
    NOMINATOR = "nominator", _("Nominator for a unit")
    EXPERT = "expert", _("Expert")
    LECTURER = "lecturer", _("Lecture group member")


# Roles whose holders must use two-factor authentication.
TWO_FACTOR_ROLES = {RoleKind.STAFF, RoleKind.EXPERT}
