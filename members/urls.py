from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/me/", views.profile, name="profile"),
    path("members/me/export/", views.export, name="export"),
    path("members/me/delete/", views.delete_account, name="delete"),
    path("members/me/feed-token/", views.renew_feed_token, name="renew_feed_token"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("search/", views.search, name="search"),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
