"""Staff pages for lecture groups: the groups, their batches and their members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View

from laurel.core.views import PermissionRequiredMixin, add_form_errors, report_errors
from laurel.outreach import groups, permissions, queries
from laurel.outreach.forms import AddMembersForm, BatchForm, GroupForm, PersonChoiceField, RetireForm
from laurel.outreach.models import Batch, LectureGroup, Membership


class GroupStaffMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_manage_groups)


def _labelled(persons) -> list[tuple]:
    label = PersonChoiceField.label_from_instance
    return [(person, label(None, person)) for person in persons]


def _number(value) -> int:
    """A posted identifier as a number; anything else matches nothing (404), never a server error."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10 else 0


class GroupManageListView(GroupStaffMixin, ListView):
    template_name = "outreach/manage/group_list.html"

    def get_queryset(self):
        from django.db.models import Count, Q

        return LectureGroup.objects.annotate(
            active_members=Count("memberships", filter=Q(memberships__retired_on=None)),
            batch_count=Count("batches", distinct=True),
        ).order_by("name")


class GroupFormView(GroupStaffMixin, FormView):
    form_class = GroupForm
    template_name = "outreach/manage/group_form.html"

    def get_instance(self) -> LectureGroup | None:
        return get_object_or_404(LectureGroup, slug=self.kwargs["slug"]) if "slug" in self.kwargs else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.get_instance(), **kwargs)

    def form_valid(self, form):
        instance = self.get_instance()
        try:
            if instance is None:
                group = groups.create_group(actor=self.request.user, data=form.cleaned_data)
            else:
                group = groups.update_group(instance, actor=self.request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("outreach:manage_group", slug=group.slug)


class GroupManageView(GroupStaffMixin, DetailView):
    """One group's batches and members, with the forms that change them."""

    template_name = "outreach/manage/group_detail.html"
    model = LectureGroup
    context_object_name = "group"
    forms: dict | None = None

    def get_context_data(self, **kwargs):
        group = self.object
        batches = list(group.batches.order_by("number"))
        members = group.memberships.select_related("person__organization", "batch").order_by(
            "batch__number", "role", "pk"
        )
        by_batch = {batch.pk: [] for batch in batches}
        for membership in members:
            by_batch[membership.batch_id].append(membership)
        posted = self.forms or {}
        member_forms = posted.get("members", {})
        sections = []
        for batch in batches:
            form = member_forms.get(batch.pk) or AddMembersForm(group=group, prefix=f"b{batch.number}")
            ticked = form.data.getlist(form.add_prefix("persons")) if form.is_bound else []
            chosen = _labelled(queries.chosen_candidates(group, ticked))
            sections.append((batch, by_batch[batch.pk], form, chosen))
        return super().get_context_data(
            batches=sections,
            batch_form=posted.get("batch") or BatchForm(),
            retire_form=RetireForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = group = self.get_object()
        action = request.POST.get("action")
        if action == "batch":
            return self._add_batch(group)
        if action == "members":
            return self._add_members(group)
        if action == "retire":
            return self._retire(group)
        messages.error(request, _("Unknown action."))
        return redirect("outreach:manage_group", slug=group.slug)

    def _invalid(self, status: int = 400, **forms):
        self.forms = forms
        response = self.render_to_response(self.get_context_data())
        response.status_code = status
        return response

    def _add_batch(self, group: LectureGroup):
        form = BatchForm(self.request.POST)
        if not form.is_valid():
            return self._invalid(batch=form)
        batch = groups.add_batch(group, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Batch %(number)d added.") % {"number": batch.number})
        return redirect("outreach:manage_group", slug=group.slug)

    def _add_members(self, group: LectureGroup):
        batch = get_object_or_404(Batch, group=group, number=_number(self.request.POST.get("batch")))
        form = AddMembersForm(self.request.POST, group=group, prefix=f"b{batch.number}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = groups.add_members(
                    batch, actor=self.request.user, persons=list(data["persons"]), role=data["role"],
                    term_start=data["term_start"], term_end=data["term_end"],
                )  # fmt: skip
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(self.request, _("%(count)d members added.") % {"count": len(added)})
                return redirect("outreach:manage_group", slug=group.slug)
        return self._invalid(members={batch.pk: form})

    def _retire(self, group: LectureGroup):
        membership = get_object_or_404(Membership, group=group, pk=_number(self.request.POST.get("membership")))
        form = RetireForm(self.request.POST)
        if form.is_valid():
            try:
                groups.retire_member(membership, actor=self.request.user, retired_on=form.cleaned_data["retired_on"])
            except ValidationError as error:
                report_errors(self.request, error)
            else:
                messages.success(self.request, _("%(name)s has retired.") % {"name": membership.person.name})
        else:
            for field_errors in form.errors.values():
                for message in field_errors:
                    messages.error(self.request, message)
        return redirect("outreach:manage_group", slug=group.slug)


class CandidateSearchView(GroupStaffMixin, View):
    """The people who may join a batch, found by name, unit or code, with those already ticked kept ticked
    (HTMX swaps this list into the batch's "add members" form)."""

    def get(self, request, slug):
        group = get_object_or_404(LectureGroup, slug=slug)
        batch = get_object_or_404(Batch, group=group, number=_number(request.GET.get("batch")))
        prefix = f"b{batch.number}"
        query = request.GET.get("q", "")
        chosen = queries.chosen_candidates(group, request.GET.getlist(f"{prefix}-persons"))
        found = queries.search_candidates(group, query)
        results = [person for person in found if person not in chosen]
        context = {
            "prefix": prefix,
            "chosen": _labelled(chosen),
            "results": _labelled(results),
            "query": query.strip(),
            "truncated": len(found) >= queries.MAX_CANDIDATES_SHOWN,
        }
        return render(request, "outreach/manage/_candidates.html", context)
