"""The expert's pages: the invitation (accept with the pledge, or decline), then the question, the materials and
the open round: their own ratings, and from round 2 their last rating beside the panel's anonymous figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from laurel.consultations import delphi, panel, permissions, queries
from laurel.consultations.forms import AnswerForm, RatingForm, StatementForm
from laurel.consultations.models import Consultation, Material
from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, report_errors


class ExpertMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.is_expert)

    def get_seat(self):
        consultation = get_object_or_404(Consultation.objects.select_related("asking_body"), code=self.kwargs["code"])
        seat = permissions.seat_for(self.request.user, consultation)
        if seat is None:  # experts see only consultations they serve on or are invited to
            raise PermissionDenied
        return consultation, seat


class ServeView(ExpertMixin, TemplateView):
    template_name = "consultations/serve.html"

    def get_context_data(self, **kwargs):
        consultation, seat = self.get_seat()
        serving = seat.status == seat.Status.ACCEPTED
        open_round = delphi.current_round(consultation) if serving else None
        return super().get_context_data(
            consultation=consultation,
            seat=seat,
            serving=serving,
            open_round=open_round,
            rows=queries.feedback(consultation, seat, open_round) if serving else [],
            materials=consultation.materials.all() if serving else [],
            answer_form=AnswerForm(),
            statement_form=StatementForm(),
            can_propose=serving and open_round is not None and open_round.number == 1,
            **kwargs,
        )

    def post(self, request, code):
        consultation, seat = self.get_seat()
        action = request.POST.get("action", "")
        try:
            if action == "answer":
                self.answer(seat)
            elif action == "rate":
                self.rate(consultation, seat)
            elif action == "propose":
                form = StatementForm(request.POST)
                if form.is_valid():
                    delphi.add_statement(consultation, text=form.cleaned_data["text"], actor=request.user, seat=seat)
                    messages.success(request, _("Your statement is added for the panel to rate."))
                else:
                    report_errors(request, ValidationError(form.errors["text"]))
        except ValidationError as error:
            report_errors(request, error)
        if seat.status == seat.Status.DECLINED:
            return redirect("core:dashboard")
        return redirect(seat.get_absolute_url())

    def answer(self, seat):
        form = AnswerForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose to accept or decline."))
        if form.cleaned_data["answer"] == "accept":
            panel.accept_seat(
                seat,
                actor=self.request.user,
                pledge=form.cleaned_data["pledge"],
                may_be_named=form.cleaned_data["may_be_named"],
            )
            messages.success(self.request, _("Thank you for serving on the panel."))
        else:
            panel.decline_seat(seat, actor=self.request.user, interest=form.cleaned_data["interest"])
            messages.success(self.request, _("You declined the invitation."))

    def rate(self, consultation, seat):
        if seat.status != seat.Status.ACCEPTED:
            raise ValidationError(_("Only experts serving on this panel can rate."))
        form = RatingForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[field].label}: {error}" for field, errors in form.errors.items() for error in errors]
            )
        delphi_round = delphi.current_round(consultation)
        if delphi_round is None:
            raise ValidationError(_("No round is open; ratings are no longer accepted."))
        statement = get_object_or_404(consultation.statements, pk=form.cleaned_data["statement"])
        delphi.rate(
            seat,
            delphi_round=delphi_round,
            statement=statement,
            importance=form.cleaned_data["importance"],
            feasibility=form.cleaned_data["feasibility"],
            comment=form.cleaned_data["comment"],
            actor=self.request.user,
        )
        messages.success(self.request, _("Your rating is saved; you may revise it until the round closes."))


class MaterialView(PermissionRequiredMixin, TemplateView):
    """A consultation's material: for staff and for experts serving on its panel."""

    permission_predicate = staticmethod(lambda user: getattr(user, "is_authenticated", False))

    def get(self, request, code, pk):
        consultation = get_object_or_404(Consultation, code=code)
        if not (
            permissions.can_manage_consultations(request.user) or permissions.can_serve(request.user, consultation)
        ):
            raise PermissionDenied
        material = get_object_or_404(Material, consultation=consultation, pk=pk)
        return serve_file(material.file, filename=material.name)
