"""The enterprises app's pages (under /enterprises/)."""

from django.urls import path

from .views import checkups, fees, firms, helps, premises

app_name = "enterprises"

urlpatterns = [
    path("enterprises/firms/", firms.firm_list_view, name="firms"),
    path("enterprises/firms/new/", firms.firm_new_view, name="firm_new"),
    path("enterprises/firms/export.xlsx", firms.firm_export_view, name="firm_export"),
    path("enterprises/firms/import/", firms.firm_import_view, name="firm_import"),
    path(
        "enterprises/firms/import/template.xlsx",
        firms.firm_import_template_view,
        name="firm_import_template",
    ),
    path(
        "enterprises/firms/import/errors/<str:import_token>/",
        firms.firm_import_errors_view,
        name="firm_import_errors",
    ),
    path("enterprises/firms/<int:firm_id>/", firms.firm_detail_view, name="firm"),
    path("enterprises/properties/", premises.property_list_view, name="properties"),
    path(
        "enterprises/properties/<int:property_id>/",
        premises.property_detail_view,
        name="property",
    ),
    path("enterprises/leases/", premises.lease_list_view, name="leases"),
    path("enterprises/leases/new/", premises.lease_new_view, name="lease_new"),
    path("enterprises/leases/<int:lease_id>/", premises.lease_detail_view, name="lease"),
    path("enterprises/leases/<int:lease_id>/paid/", premises.lease_paid_view, name="lease_paid"),
    path("enterprises/policies/", premises.policy_list_view, name="policies"),
    path("enterprises/reliefs/", premises.relief_list_view, name="reliefs"),
    path("enterprises/reliefs/<int:relief_id>/", premises.relief_detail_view, name="relief"),
    path(
        "enterprises/reliefs/<int:relief_id>/approve/",
        premises.relief_approve_view,
        name="relief_approve",
    ),
    path("enterprises/rebates/", fees.rebate_batch_list_view, name="rebate_batches"),
    path("enterprises/rebates/<int:rebate_batch_id>/", fees.rebate_batch_view, name="rebate_batch"),
    path(
        "enterprises/rebates/<int:rebate_batch_id>/approve/",
        fees.rebate_batch_approve_view,
        name="rebate_batch_approve",
    ),
    path(
        "enterprises/rebates/<int:rebate_batch_id>/cancel/",
        fees.rebate_batch_cancel_view,
        name="rebate_batch_cancel",
    ),
    path("enterprises/collections/import/", fees.collection_import_view, name="collection_import"),
    path(
        "enterprises/collections/import/template.xlsx",
        fees.collection_import_template_view,
        name="collection_import_template",
    ),
    path(
        "enterprises/collections/import/errors/<str:import_token>/",
        fees.collection_import_errors_view,
        name="collection_import_errors",
    ),
    path("enterprises/figures/", fees.figures_view, name="figures"),
    path("enterprises/checkups/", checkups.checkup_list_view, name="checkups"),
    path("enterprises/checkups/<int:checkup_id>/", checkups.checkup_detail_view, name="checkup"),
    path(
        "enterprises/checkups/<int:checkup_id>/findings/<int:finding_id>/close/",
        checkups.finding_close_view,
        name="finding_close",
    ),
    path("enterprises/visits/", checkups.visit_list_view, name="visits"),
    path("enterprises/visits/<int:visit_id>/", checkups.visit_detail_view, name="visit"),
    path(
        "enterprises/visits/<int:visit_id>/tasks/<int:task_id>/done/",
        checkups.task_done_view,
        name="task_done",
    ),
    path("enterprises/helps/", helps.help_list_view, name="helps"),
    path("enterprises/helps/<int:help_id>/", helps.help_detail_view, name="help"),
    path("enterprises/helps/<int:help_id>/approve/", helps.help_approve_view, name="help_approve"),
    path("enterprises/helps/<int:help_id>/cancel/", helps.help_cancel_view, name="help_cancel"),
    path(
        "enterprises/reliefs/<int:relief_id>/cancel/",
        premises.relief_cancel_view,
        name="relief_cancel",
    ),
]
