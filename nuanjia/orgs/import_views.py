"""Import and export of grassroots unions from Excel/CSV."""

import io
from collections.abc import Callable
from typing import IO

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from nuanjia.core.imports import (
    XLSX_CONTENT_TYPE,
    ImportForm,
    imported_context,
    owned_error_sheet,
)

from .imports import (
    GRASSROOTS_SHEET,
    export_grassroots_unions,
    import_grassroots_unions,
    write_grassroots_template,
)
from .permissions import StaffRequest, requires
from .queries import get_org_for
from .rules import Perm

TEMPLATE_FILE_NAME = "基层工会导入模板.xlsx"
ERROR_SHEET_FILE_NAME = "基层工会导入错误.xlsx"


def _xlsx_response(write: Callable[[IO[bytes]], None], filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@requires(Perm.MANAGE_ORGS)
def import_view(request: StaffRequest) -> HttpResponseBase:
    """Upload a sheet; show its errors (and the error sheet) or what was imported."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": GRASSROOTS_SHEET.columns}
    context |= imported_context(
        request,
        form,
        lambda upload, **how: import_grassroots_unions(upload, by=request.user, **how),
    )
    return render(request, "orgs/import.html", context)


@requires(Perm.MANAGE_ORGS)
@require_GET
def import_errors_view(request: StaffRequest, import_token: str) -> HttpResponseBase:
    """The error sheet of one of the user's own imports (404 for anyone else's)."""
    return owned_error_sheet(
        request, import_token, filename=ERROR_SHEET_FILE_NAME, what="import error sheet"
    )


@requires(Perm.MANAGE_ORGS)
@require_GET
def template_view(request: StaffRequest) -> HttpResponseBase:
    return _xlsx_response(write_grassroots_template, TEMPLATE_FILE_NAME)


@requires(Perm.MANAGE_ORGS)
@require_GET
def export_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    """The grassroots unions of one union's subtree, in the import sheet's columns."""
    org = get_org_for(request.user, org_id)
    return _xlsx_response(
        lambda buffer: export_grassroots_unions(request.user, org, buffer),
        f"{org.name}基层工会.xlsx",
    )
