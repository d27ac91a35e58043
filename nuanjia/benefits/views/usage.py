"""The merchant's monthly usage file on its pages (/p/benefits/usage/): choose the offer,
upload the sheet, read what was recorded and each refused row with its reason; the empty
sheet to fill in."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import XLSX_CONTENT_TYPE
from nuanjia.members.auth import partner_page

from ..imports_usage import import_usage_file, write_usage_template
from ..models import Offer, UsageFile


@partner_page
def usage_view(request: Any) -> Any:
    user = request.partner_user
    errors: list[str] = []
    done = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise RuleViolation(_("Choose the file to upload."), field="file")
            outcome = import_usage_file(upload, user, offer=request.POST.get("offer", ""),
                                        file_name=upload.name or "")  # fmt: skip
            errors, done = outcome.errors, outcome.usage
        except RuleViolation as refused:
            errors = [refused.message]
    return render(request, "benefits/merchant/usage.html", {
        "user": user, "errors": errors, "done": done,
        "offers": Offer.objects.filter(partner_id=user.partner_id, is_active=True),
        "files": UsageFile.objects.filter(partner_id=user.partner_id).select_related("offer")[:12],
    })  # fmt: skip


@partner_page
def usage_template_view(request: Any) -> Any:
    output = io.BytesIO()
    write_usage_template(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename="普惠月度使用明细.xlsx",
                        content_type=XLSX_CONTENT_TYPE)  # fmt: skip
