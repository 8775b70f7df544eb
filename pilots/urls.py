from django.urls import path

from . import views

app_name = "pilots"

urlpatterns = [
    path("", views.pilot_list, name="list"),
    path("new/", views.pilot_create, name="create"),
    path("barrier-search/", views.barrier_search, name="barrier_search"),
    path("<int:pk>/", views.pilot_detail, name="detail"),
    path("<int:pk>/edit/", views.pilot_edit, name="edit"),
    path("<int:pk>/status/", views.pilot_status, name="status"),
    path("<int:pk>/publish/", views.pilot_publish, name="publish"),
    path("<int:pk>/renew/", views.pilot_renew, name="renew"),
    path("<int:pk>/apply/", views.pilot_apply, name="apply"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("applications/<int:pk>/accept/", views.application_accept, name="accept"),
    path("applications/<int:pk>/decline/", views.application_decline, name="decline"),
    path("applications/<int:pk>/reopen/", views.application_reopen, name="reopen"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]
