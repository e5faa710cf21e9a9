"""The Django layer's words for the engine's reasons: translate a `Reason` into the user's language."""

from django.utils.translation import gettext_lazy as _

from laurel.assignment.problem import Reason

TEMPLATES = {
    "bad_shape": _("%(name)s must have %(size)d entries."),
    "bad_bound": _("%(name)s must be whole numbers of at least 0."),
    "pair_out_of_range": _("%(name)s names an item or expert that does not exist."),
    "affinity_not_numeric": _("Affinities must be numbers."),
    "affinity_not_finite": _("%(count)d affinities are missing or not finite (NaN)."),
    "affinity_negative": _("%(count)d affinities are negative; affinities must be 0 or more."),
    "affinity_shape": _("The affinity must be an items x experts matrix."),
    "k_missing": _("Give k, or k_min and k_max."),
    "k_range": _("k_min is larger than k_max for some items."),
    "load_range": _("The minimum load is larger than the maximum load for some experts."),
    "forced_conflict": _("Forced pairs are also conflicts: %(pairs)s."),
    "forced_over_k": _("These items have more forced experts than reviews allowed: %(items)s."),
    "forced_over_load": _("These experts have more forced items than their maximum load: %(experts)s."),
    "k_over_panel": _("%(count)d items need more reviews (%(k)d) than there are experts on the panel (%(experts)d)."),
    "item_short": _("These items have fewer experts without a conflict than the reviews they need: %(items)s."),
    "capacity_short": _(
        "The items need %(demand)d reviews in total but the experts' maximum loads allow only %(capacity)d."
    ),
    "load_min_excess": _(
        "The experts' minimum loads add up to %(minimum)d reviews but the items can take only %(most)d."
    ),
    "expert_short": _("These experts cannot reach their minimum load without a conflict: %(experts)s."),
    "group_short": _(
        'Group "%(group)s": these items have fewer than %(minimum)d eligible experts without a conflict: %(items)s.'
    ),
    "group_over_k": _('Group "%(group)s" asks for %(minimum)d experts but these items take fewer reviews: %(items)s.'),
    "group_capacity": _(
        'Group "%(group)s" needs %(need)d reviews from its members, whose maximum loads allow only %(room)d.'
    ),
    "hall_violation": _(
        "Items %(items)s need %(need)d reviews together, but the only experts free of conflicts with them can take %(room)d."
    ),
    "bounds_clash": _(
        "The minimum loads, reviews per item and conflicts cannot all hold at once; loosen the minimum loads."
    ),
    "solver_failed": _("The flow solver stopped with status %(status)s."),
    "time_limit": _("No assignment was found within the time limit of %(seconds)g seconds."),
    "groups_clash": _("The group constraints cannot all hold together with the loads, reviews per item and conflicts."),
    "expert_unusable": _("These experts conflict with every item (or have no capacity) and get nothing: %(experts)s."),
}


def translate_reason(reason: Reason) -> str:
    template = TEMPLATES.get(reason.code)
    if template is None:
        return str(reason)
    return str(template) % reason.params
