"""`{% stage_stepper campaign %}`: the campaign's stages with the current one marked (see `honors/timeline.py`)."""

from django import template

from laurel.honors import permissions, timeline

register = template.Library()


@register.inclusion_tag("honors/stage_stepper.html", takes_context=True)
def stage_stepper(context, campaign):
    request = context.get("request")
    staff = request is not None and permissions.can_manage_campaigns(request.user)
    return {"steps": timeline.steps(campaign, staff=staff), "campaign": campaign}
