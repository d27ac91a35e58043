"""The campaign report's pages (issue 20 item 5): the templates a union may use, writing and
editing one (placeholders checked at save), the report of a union's subtree for a period —
the narrative with each figure footnoted with its drill-down, and the tables behind it — and
its PDF and Word downloads. The union asked for (?org=) must lie in the user's subtree (404
otherwise), as on every reports page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Perm

from . import documents, report_default, report_render, report_services
from .views import _picker, _trail, where

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateForm(forms.Form):
    title = forms.CharField(label=_lazy("Title"), max_length=100)
    campaign = forms.TypedChoiceField(
        label=_lazy("Campaign"), required=False, coerce=int, empty_value=None
    )
    body = forms.CharField(
        label=_lazy("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_lazy("Figures are written {measure|period|unit}, e.g. {funds.allocated|2026|万元}; "
                        "the period may be 2026, 2026-03, 2026-Q1, 2026-01-01..2026-11-30, period "
                        "(the report's) or campaign; a filter on one of the measure's dimensions "
                        "follows it, e.g. {funds.allocated[d1=warmth,hardship]|2026|万元}."),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paths = report_services._ancestor_paths(user.org)
        campaigns = report_services.Campaign.objects.filter(
            Q(lead_org__path__in=paths) | within(user.org.path, "lead_org__path")
        ).order_by("-starts_on")
        field: Any = self.fields["campaign"]
        field.choices = [("", "—")] + [(c.pk, c.name) for c in campaigns]


@requires(Perm.VIEW_BUSINESS)
def report_list_view(request: HttpRequest):
    templates = report_services.visible_templates(request.user)
    return render(request, "reports/report_list.html", {"templates": templates})


def _save(request: HttpRequest, template: Any = None):
    user: Any = request.user
    initial = {"title": report_default.TITLE, "body": report_default.default_body()}
    if template is not None:
        initial = {"title": template.title, "body": template.body, "campaign": template.campaign_id}
    form = TemplateForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                template = report_services.create_template(user, form.cleaned_data)
            else:
                report_services.edit_template(user, template, form.cleaned_data)
        except RuleViolation as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            return redirect("reports:report", report_template_id=template.pk)
    return render(request, "reports/report_form.html", {"form": form, "template": template})


@requires(Perm.VIEW_BUSINESS)
def report_new_view(request: HttpRequest):
    return _save(request)


@requires(Perm.VIEW_BUSINESS)
def report_edit_view(request: HttpRequest, report_template_id: int):
    template = report_services.template_for(request.user, report_template_id)
    if not report_services.may_edit(request.user, template):
        raise Http404
    return _save(request, template)


def _rendered(request: HttpRequest, report_template_id: int) -> tuple[report_render.Rendered, Any]:
    template = report_services.template_for(request.user, report_template_id)
    at = where(request)
    return report_render.render(template, request.user, at.org, at.period), at


@requires(Perm.VIEW_BUSINESS)
def report_view(request: HttpRequest, report_template_id: int):
    """The report of the union's subtree for the period: the text with its figures, each
    footnoted with its drill-down, and the tables behind it."""
    rendered, at = _rendered(request, report_template_id)
    return render(request, "reports/report_page.html", {
        "rendered": rendered, "at": at, "query": at.query(), "trail": _trail(request, at.org),
        "may_edit": report_services.may_edit(request.user, rendered.template), **_picker(at),
    })  # fmt: skip


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Perm.VIEW_BUSINESS)
def report_pdf_view(request: HttpRequest, report_template_id: int):
    rendered, at = _rendered(request, report_template_id)
    content = documents.pdf_bytes(rendered, request.build_absolute_uri("/")[:-1])
    return _download(content, PDF, f"report-{report_template_id}-{at.org.code}-{at.period.key}.pdf")


@requires(Perm.VIEW_BUSINESS)
def report_docx_view(request: HttpRequest, report_template_id: int):
    rendered, at = _rendered(request, report_template_id)
    content = documents.docx_bytes(rendered, request.build_absolute_uri("/")[:-1])
    return _download(
        content, DOCX, f"report-{report_template_id}-{at.org.code}-{at.period.key}.docx"
    )
