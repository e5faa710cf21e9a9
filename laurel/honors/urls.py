from django.urls import path

from laurel.honors.views import expert, nominator, public, staff

app_name = "honors"
urlpatterns = [
    path("", public.CampaignListView.as_view(), name="campaign_list"),
    path("new/", staff.CampaignFormView.as_view(), name="campaign_create"),
    path("mine/", nominator.MyNominationsView.as_view(), name="my_nominations"),
    path("reviews/", expert.MyAssignmentsView.as_view(), name="my_assignments"),
    path("objections/<int:pk>/decide/", staff.decide_objection, name="objection_decide"),
    path("nominations/<str:code>/", nominator.NominationDetailView.as_view(), name="nomination_detail"),
    path("nominations/<str:nomination>/edit/", nominator.NominationFormView.as_view(), name="nomination_update"),
    path("nominations/<str:code>/photos/", nominator.add_photo, name="photo_add"),
    path("nominations/<str:code>/photos/<int:photo>/remove/", nominator.remove_photo, name="photo_remove"),
    path("nominations/<str:code>/submit/", nominator.submit, name="nomination_submit"),
    path("nominations/<str:code>/withdraw/", nominator.withdraw, name="nomination_withdraw"),
    path("nominations/<str:code>/check/", staff.check_eligibility, name="nomination_check"),
    path("nominations/<str:code>/assign/", staff.assign_expert, name="nomination_assign"),
    path("nominations/<str:code>/review/", expert.ReviewFormView.as_view(), name="review"),
    path("nominations/<str:code>/recuse/", expert.recuse, name="recuse"),
    path("<str:code>/", public.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<str:code>/edit/", staff.CampaignFormView.as_view(), name="campaign_update"),
    path("<str:code>/copy/", staff.copy_campaign, name="campaign_copy"),
    path("<str:code>/move/", staff.move_stage, name="campaign_move"),
    path("<str:code>/rules/", staff.add_rule, name="rule_add"),
    path("<str:code>/panel/", staff.add_panel_member, name="panel_add"),
    path("<str:code>/nominate/", nominator.NominationFormView.as_view(), name="nomination_create"),
    path("<str:code>/nominations/", staff.StaffNominationListView.as_view(), name="staff_nominations"),
    path("<str:code>/ranking/", staff.RankingView.as_view(), name="ranking"),
    path("<str:code>/ranking/accept/", staff.accept_proposal, name="accept_proposal"),
    path("<str:code>/ranking/override/", staff.override_selection, name="override"),
    path("<str:code>/objections/", staff.ObjectionListView.as_view(), name="objections"),
    path("<str:code>/notice/", public.NoticeView.as_view(), name="notice"),
    path("<str:code>/notice/<str:nomination>/object/", public.ObjectionView.as_view(), name="objection_create"),
    path("<str:code>/results/", public.ResultsView.as_view(), name="results"),
    path("<str:code>/export.xlsx", staff.export_xlsx, name="export_xlsx"),
    path("<str:code>/audit.csv", staff.export_audit, name="export_audit"),
]
