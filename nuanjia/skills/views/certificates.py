"""Certificate pages: the certificates recorded by the unions in scope (keyset pages, Excel
with the ID number masked), recording one directly, and the member's "我的证书" on /m/."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column
from nuanjia.members.auth import member_page
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..models import Certificate
from ..rules import CertificateKind, Level
from ..services.common import worker_named

CERTIFICATE_EXPORT = ListExport("skills.certificates", _lazy("Skill certificates"), (
    column("姓名", "worker.name"), column("身份证号", "worker.id_number_masked"),
    column(_lazy("Kind"), "get_kind_display"), column(_lazy("Level"), "get_level_display"),
    column(_lazy("Occupation or skill"), "occupation"), column(_lazy("Certificate number"), "number"),
    column(_lazy("Issuer"), "issuer"), column(_lazy("Issued on"), "issued_on"),
    column(_lazy("Union"), "org.name"),
))  # fmt: skip


def _filtered(request):
    rows = queries.visible_certificates(request.user)
    kind, level = request.GET.get("kind", ""), request.GET.get("level")
    if kind in CertificateKind.values:
        rows = rows.filter(kind=kind)
    if level is not None and level in Level.values:
        rows = rows.filter(level=level)
    return rows, kind, level


@requires(Perm.VIEW_BUSINESS)
def certificate_list_view(request):
    rows, kind, level = _filtered(request)
    return render(request, "skills/certificate_list.html", {
        "page": queries.CERTIFICATE_LIST.page(rows, request.GET), "kinds": CertificateKind.choices,
        "levels": Level.choices, "kind": kind, "level": level,
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def certificate_export_view(request):
    rows, kind, level = _filtered(request)
    return CERTIFICATE_EXPORT.download(
        request, queries.CERTIFICATE_LIST.ordered(rows, request.GET.get("sort")),
        {"kind": kind, "level": level or ""},
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def certificate_new_view(request):
    form = forms.CertificateForm(request.POST or None)

    def save() -> Certificate:
        data = dict(form.cleaned_data)
        org = request.user.org
        worker = worker_named(org, data.pop("id_number"), data.pop("name"))
        return services.record_certificate(worker, org=org, by=request.user, **data)

    row = saved(request, form, save, _("The certificate has been recorded."))
    if row is not None:
        return redirect("people:worker_detail", worker_id=row.worker_id)
    return render(request, "skills/form.html", {"form": form, "title": _("Record a certificate")})


@member_page
def my_certificates_view(request):
    member = request.member
    rows = (
        Certificate.objects.filter(worker_id=member.worker_id).order_by("-issued_on", "-pk")
        if member.worker_id
        else Certificate.objects.none()
    )
    return render(request, "skills/my_certificates.html", {
        "certificates": rows, "bound": member.worker_id is not None,
    })  # fmt: skip
