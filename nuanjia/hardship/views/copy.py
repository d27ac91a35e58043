"""The family's own printed copy of its file."""

from django.shortcuts import render
from django.utils import timezone

from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..models import Objection


@requires(Perm.VIEW_BUSINESS)
def worker_copy_view(request, file_id: int):
    """The family's own copy of its file (本人查阅件), printed when the worker asks to read it
    (docs/domain.md "Reviews and retention": a worker may read their own file). It shows what the file says about the
    family and how it was decided, by step and union, without staff names or the words of
    anyone who objected; printing it is audited."""
    hardship_file = queries.get_file_for(request.user, file_id)
    household = hardship_file.household
    services.record_copy_printed(hardship_file, by=request.user)
    objections = hardship_file.objections.all()
    context = {
        "file": hardship_file,
        "worker": household.worker,
        "members": household.members.order_by("pk"),
        "events": queries.file_history(hardship_file),
        "objection_count": objections.count(),
        "upheld_count": objections.filter(status=Objection.Status.UPHELD).count(),
        "today": timezone.localdate(),
        "org": hardship_file.org,
    }
    return render(request, "hardship/worker_copy.html", context)
