from django.urls import path

from .rules import PaymentStep
from .views import bases, help, register

app_name = "modelworkers"
urlpatterns = [
    path("modelworkers/", register.register_view, name="register"),
    path("modelworkers/export.xlsx", register.register_export_view, name="register_export"),
    path("modelworkers/import/", register.honours_import_view, name="honours_import"),
    path("modelworkers/import/template.xlsx", register.honours_template_view,
         name="honours_template"),
    path("modelworkers/import/errors/<str:import_token>/", register.honours_import_errors_view,
         name="honours_import_errors"),
    path("modelworkers/collectives/", register.collective_list_view, name="collectives"),
    path("modelworkers/collectives/<int:mw_collective_id>/", register.collective_detail_view,
         name="collective"),
    path("modelworkers/bases/", bases.base_list_view, name="bases"),
    path("modelworkers/bases/new/", bases.base_new_view, name="base_new"),
    path("modelworkers/bases/<int:mw_base_id>/", bases.base_detail_view, name="base"),
    path("modelworkers/pairings/", bases.pairing_new_view, name="pairings"),
    path("modelworkers/pairings/<int:mw_pairing_id>/", bases.pairing_detail_view, name="pairing"),
    path("modelworkers/help/standards/", help.standard_list_view, name="standards"),
    path("modelworkers/help/", help.case_list_view, name="cases"),
    path("modelworkers/help/new/", help.case_new_view, name="case_new"),
    path("modelworkers/help/<int:mw_case_id>/", help.case_detail_view, name="case"),
    path("modelworkers/help/propose/", help.propose_period_view, name="propose_period"),
    path("modelworkers/payments/", help.payment_list_view, name="payments"),
    path("modelworkers/payments/<int:mw_payment_id>/", help.payment_detail_view, name="payment"),
    *[
        path(
            f"modelworkers/payments/<int:mw_payment_id>/{step.value}/",
            help.payment_step_view(step.value),
            name=f"payment_{step.value}",
        )
        for step in PaymentStep
    ],
]  # fmt: skip
