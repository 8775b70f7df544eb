from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("", views.home, name="home"),
    path("digest/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("digest/preferences/", views.preferences, name="preferences"),
]
