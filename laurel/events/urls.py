from django.urls import path

from laurel.events import views

app_name = "events"
urlpatterns = [
    path("events/", views.PublicEventListView.as_view(), name="public_list"),
    path("events/<str:code>/", views.public_detail, name="public_detail"),
    path("events/registration/<str:token>/", views.registration_confirm, name="registration_confirm"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("pass/<str:token>/", views.attendee_pass, name="pass"),
    path("pass/<str:token>/qr.svg", views.attendee_pass_qr, name="pass_qr"),
    path("staff/events/", views.EventListView.as_view(), name="event_list"),
    path("staff/events/new/", views.EventFormView.as_view(), name="event_create"),
    path("staff/events/<str:code>/", views.EventDetailView.as_view(), name="event_detail"),
    path("staff/events/<str:code>/edit/", views.EventFormView.as_view(), name="event_update"),
    path("staff/events/<str:code>/organizers/", views.add_organizer, name="organizer_add"),
    path("staff/events/<str:code>/agenda/", views.add_agenda_item, name="agenda_item_add"),
    path("staff/events/<str:code>/agenda/<int:item_pk>/people/", views.add_agenda_person, name="agenda_person_add"),
    path("staff/events/<str:code>/award-rounds/", views.build_award_rounds, name="award_rounds_build"),
    path("staff/events/<str:code>/agenda/<int:item_pk>/remove/", views.remove_agenda_item, name="agenda_item_remove"),
    path("staff/events/<str:code>/attendees/", views.invite, name="invite"),
    path("staff/events/<str:code>/run-of-show.pdf", views.run_of_show, name="run_of_show"),
    path("staff/events/<str:code>/attendance.xlsx", views.attendance_export, name="attendance_export"),
    path("staff/events/<str:code>/check-in/", views.check_in, name="check_in"),
    path("staff/events/<str:code>/check-in/status/", views.check_in_status, name="check_in_status"),
]
