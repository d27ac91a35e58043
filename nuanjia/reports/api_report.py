"""The campaign report's API (issue 20 item 5), on the reports router: report templates (list,
read, write with the placeholders checked), a template rendered for a union of the caller's
subtree and a period (its text, figures with their drill-down links, and tables), and the
report as PDF or Word. A template outside what the caller may see is a 404."""

from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Schema, Status

from nuanjia.core.schemas import ErrorOut
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import documents, report_render, report_services, report_views
from .api import ReportQuery, _where, router


class ReportTemplateIn(Schema):
    title: str = Field(description="the report's title")
    body: str = Field(description="the text, with figures written {measure|period|unit}")
    campaign: int | None = Field(None, description="a campaign's id, for the period `campaign`")


class ReportTemplateOut(Schema):
    id: int
    org: str
    org_name: str
    title: str
    body: str
    campaign: int | None
    may_edit: bool


class ReportFilledOut(Schema):
    number: int
    placeholder: str
    measure: str
    name: str
    period: str
    unit: str
    text: str = Field(description="the figure in its unit, or — when not shown to the caller")
    url: str = Field(description="the drill-down page of the figure")


class ReportTableOut(Schema):
    title: str
    unit: str
    rows: list[list[str]]
    total: str


class ReportRenderedOut(Schema):
    title: str
    org: str
    period: str
    paragraphs: list[str]
    figures: list[ReportFilledOut]
    tables: list[ReportTableOut]


def _out(user: Any, template: Any) -> dict[str, Any]:
    return {
        "id": template.pk, "org": template.org.code, "org_name": template.org.name,
        "title": template.title, "body": template.body, "campaign": template.campaign_id,
        "may_edit": report_services.may_edit(user, template),
    }  # fmt: skip


def _data(payload: ReportTemplateIn) -> dict[str, Any]:
    return {"title": payload.title, "body": payload.body, "campaign": payload.campaign}


@router.get(
    "/templates", response={200: list[ReportTemplateOut], 403: ErrorOut}, summary="Report templates"
)
def report_templates(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, "reports")
    return [_out(request.user, t) for t in report_services.visible_templates(request.user)]


@router.post(
    "/templates",
    response={201: ReportTemplateOut, 400: ErrorOut, 403: ErrorOut},
    summary="Write a report template for your union",
)
def report_template_create(request, payload: ReportTemplateIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, "reports")
    template = report_services.create_template(request.user, _data(payload))
    return Status(201, _out(request.user, template))


@router.get(
    "/templates/{report_template_id}",
    response={200: ReportTemplateOut, 403: ErrorOut, 404: ErrorOut},
    summary="One report template",
)
def report_template(request, report_template_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, "reports")
    return _out(request.user, report_services.template_for(request.user, report_template_id))


@router.put(
    "/templates/{report_template_id}",
    response={200: ReportTemplateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Edit a report template of your subtree",
)
def report_template_edit(request, report_template_id: int, payload: ReportTemplateIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, "reports")
    template = report_services.template_for(request.user, report_template_id)
    report_services.edit_template(request.user, template, _data(payload))
    return _out(request.user, template)


def _rendered(request: Any, report_template_id: int, query: ReportQuery) -> report_render.Rendered:
    check_permission(request.user, Perm.VIEW_BUSINESS, "reports")
    template = report_services.template_for(request.user, report_template_id)
    org, period = _where(request.user, query)
    return report_render.render(template, request.user, org, period)


@router.get(
    "/templates/{report_template_id}/render",
    response={200: ReportRenderedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A report: the template filled for a union's subtree and a period",
)
def report_render_op(request, report_template_id: int, query: Query[ReportQuery]):
    rendered = _rendered(request, report_template_id, query)
    return {
        "title": rendered.title, "org": rendered.org.code, "period": rendered.period.key,
        "paragraphs": [report_render.paragraph_text(p) for p in rendered.paragraphs],
        "figures": [
            {"number": f.number, "placeholder": f.placeholder.text,
             "measure": f.placeholder.measure, "name": f.name, "period": f.span.key,
             "unit": f.placeholder.unit, "text": f.text, "url": f.url}
            for f in rendered.notes
        ],
        "tables": [
            {"title": t.title, "unit": t.unit, "rows": [list(r) for r in t.rows], "total": t.total}
            for t in rendered.tables
        ],
    }  # fmt: skip


def _file(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/templates/{report_template_id}/pdf",
    response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A report as PDF",
)
def report_pdf(request, report_template_id: int, query: Query[ReportQuery]):
    rendered = _rendered(request, report_template_id, query)
    content = documents.pdf_bytes(rendered, request.build_absolute_uri("/")[:-1])
    return _file(content, report_views.PDF, f"report-{report_template_id}.pdf")


@router.get(
    "/templates/{report_template_id}/docx",
    response={200: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A report as Word (.docx)",
)
def report_docx(request, report_template_id: int, query: Query[ReportQuery]):
    rendered = _rendered(request, report_template_id, query)
    content = documents.docx_bytes(rendered, request.build_absolute_uri("/")[:-1])
    return _file(content, report_views.DOCX, f"report-{report_template_id}.docx")
