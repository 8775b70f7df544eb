from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_download, name="calendar_ics"),
    path("calendar/<str:token>.ics", views.personal_calendar, name="personal_calendar"),
    path("feed/", views.public_feed, name="feed"),
    path("feed/<str:token>/", views.personal_feed, name="personal_feed"),
    path("<slug:slug>/", views.item_detail, name="detail"),
    path("<slug:slug>/follow/", views.follow, name="follow"),
    path("<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
]
