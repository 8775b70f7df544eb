from django.urls import path  # noqa: F401 -- patterns are added by the feature work

app_name = "meetings"

urlpatterns: list = []
