"""Import and export of grassroots unions from Excel/CSV (being built)."""

from django.http import HttpResponse

from .permissions import requires
from .queries import get_org_for
from .rules import Perm


@requires(Perm.MANAGE_ORGS)
def import_view(request):
    return HttpResponse("import")


@requires(Perm.MANAGE_ORGS)
def template_view(request):
    return HttpResponse("template")


@requires(Perm.MANAGE_ORGS)
def export_view(request, org_id: int):
    get_org_for(request.user, org_id)
    return HttpResponse("export")
