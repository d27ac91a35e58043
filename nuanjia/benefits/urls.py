"""The benefits app's pages: the merchant's phone pages under /p/benefits/, the member's
under /m/benefits/, the staff pages under /benefits/."""

from django.urls import path

from .views import coupons, figures, member, merchant, staff, statements, usage

app_name = "benefits"

urlpatterns = [
    path("p/benefits/", merchant.scan_view, name="merchant_scan"),
    path("p/benefits/uses/", merchant.uses_view, name="merchant_uses"),
    path("p/benefits/statements/", statements.merchant_statements_view, name="merchant_statements"),
    path("p/benefits/usage/", usage.usage_view, name="merchant_usage"),
    path(
        "p/benefits/usage/template.xlsx", usage.usage_template_view, name="merchant_usage_template"
    ),
    path("m/benefits/", member.my_benefits_view, name="my_benefits"),
    path("benefits/", staff.offers_view, name="offers"),
    path("benefits/terms/new/", staff.terms_new_view, name="terms_new"),
    path("benefits/terms/<int:terms_id>/", staff.terms_edit_view, name="terms_edit"),
    path("benefits/offers/new/", staff.offer_new_view, name="offer_new"),
    path("benefits/offers/<int:offer_id>/", staff.offer_edit_view, name="offer_edit"),
    path("benefits/uses/", staff.uses_view, name="uses"),
    path("benefits/uses/export.xlsx", staff.uses_export_view, name="uses_export"),
    path("benefits/coupons/", coupons.batches_view, name="coupons"),
    path("benefits/coupons/new/", coupons.batch_new_view, name="coupon_new"),
    path("benefits/statements/", statements.statements_view, name="statements"),
    path("benefits/statements/prepare/", statements.prepare_view, name="statement_prepare"),
    path("benefits/statements/<int:statement_id>/", statements.statement_view, name="statement"),
    path(
        "benefits/statements/<int:statement_id>/approve/",
        statements.statement_approve_view,
        name="statement_approve",
    ),
    path(
        "benefits/statements/<int:statement_id>/cancel/",
        statements.statement_cancel_view,
        name="statement_cancel",
    ),
    path(
        "benefits/statements/<int:statement_id>/statement.xlsx",
        statements.statement_xlsx_view,
        name="statement_xlsx",
    ),
    path(
        "benefits/statements/<int:statement_id>/statement.pdf",
        statements.statement_pdf_view,
        name="statement_pdf",
    ),
    path("benefits/figures/", figures.figures_view, name="figures"),
    path("benefits/figures/export.xlsx", figures.figures_export_view, name="figures_export"),
    path("benefits/flags/", staff.flags_view, name="flags"),
    path("benefits/flags/<int:flag_id>/", staff.flag_view, name="flag"),
    path("benefits/flags/<int:flag_id>/clear/", staff.flag_clear_view, name="flag_clear"),
    path("benefits/flags/<int:flag_id>/confirm/", staff.flag_confirm_view, name="flag_confirm"),
]
