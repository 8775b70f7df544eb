from django.urls import path

from . import views

app_name = "barriers"

urlpatterns = [
    path("", views.barrier_list, name="list"),
    path("new/", views.barrier_create, name="create"),
    path("similar/", views.barrier_similar, name="similar"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("stats/", views.barrier_stats, name="stats"),
    path("brief/", views.policy_brief, name="brief"),
    path("forwarded/", views.forwarded_list, name="forwarded"),
    path("<int:pk>/", views.barrier_detail, name="detail"),
    path("<int:pk>/edit/", views.barrier_edit, name="edit"),
    path("<int:pk>/endorse/", views.barrier_endorse, name="endorse"),
    path("<int:pk>/endorse/withdraw/", views.barrier_withdraw, name="withdraw"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("<int:pk>/status/", views.barrier_status, name="status"),
    path("<int:pk>/merge/", views.barrier_merge, name="merge"),
    path("<int:pk>/respond/", views.barrier_respond, name="respond"),
    path("<int:pk>/files/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/files/<int:file_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/files/<int:file_pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]
