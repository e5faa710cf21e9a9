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
    "scores_rescaled": _(
        "The largest score (%(largest)g) is too far above the others to keep every score to 0.000001; "
        "scores are kept to %(resolution)g, so the result is not proven optimal."
    ),
    "scores_range": _(
        "The largest score is %(largest)g: fair mode and group rules prove optimality only for scores "
        "up to %(limit)g, so the result is not proven optimal."
    ),
    # Reading the OpenReview matcher's files (`csvfiles`, `assign_csv`).
    "file_unreadable": _("Cannot read %(path)s: %(error)s."),
    "file_not_utf8": _("%(path)s is not UTF-8 text (line %(line)d)."),
    "file_empty": _("%(path)s has no rows."),
    "field_too_long": _("%(path)s line %(line)d: a field is longer than %(limit)d characters."),
    "not_a_number": _("%(path)s line %(line)d: %(value)s is not a number."),
    "affinity_columns": _("%(path)s line %(line)d: expected item,expert,score."),
    "constraint_columns": _("%(path)s line %(line)d: expected item,expert,-1 or item,expert,1."),
    "score_not_finite": _("%(path)s line %(line)d: the score is not a finite number."),
    "score_negative": _("%(path)s line %(line)d: the score is negative."),
    "pair_repeated": _("%(path)s line %(line)d: the pair %(item)s,%(expert)s appears twice."),
    "constraint_value": _("%(path)s line %(line)d: the constraint must be -1, 0 or 1."),
    "constraint_unknown": _("%(path)s line %(line)d: %(item)s or %(expert)s is not in the affinity file."),
    "matrix_too_big": _(
        "%(items)d items x %(experts)d experts need about %(need)d MB of memory, more than the %(free)d MB "
        "available; with --missing forbid only the listed pairs are kept."
    ),
    "out_of_memory": _("There is not enough memory for this problem; nothing was written."),
    "out_is_folder": _("--out %(path)s is a folder; name a file."),
    "out_folder_missing": _("--out %(path)s: the folder %(folder)s does not exist."),
    "out_not_writable": _("--out %(path)s: the folder %(folder)s cannot be written."),
    "out_unwritable": _("Cannot write %(path)s: %(error)s."),
}


def translate_reason(reason: Reason) -> str:
    template = TEMPLATES.get(reason.code)
    if template is None:
        return str(reason)
    return str(template) % reason.params
