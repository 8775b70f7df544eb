from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/invite.ics", views.invite_ics, name="ics"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("rsvp/<str:token>/", views.answer_link, name="answer"),
]
