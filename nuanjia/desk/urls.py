from django.urls import path

from nuanjia.core.db_router import replica_reads

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("audit/", replica_reads(views.audit_list_view), name="audit_list"),
    path("audit/export.xlsx", views.audit_export_view, name="audit_export"),
    path("audit/verify/", views.audit_verify_view, name="audit_verify"),
    path("audit/<int:event_id>/", views.audit_detail_view, name="audit_detail"),
    path("healthz", views.healthz_view, name="healthz"),
    path("readyz", views.readyz_view, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
