"""The member's own copy of their family's hardship file on the phone pages (本人查阅), after
a fresh texted code: what the file says and how it was decided, as the printed family copy
shows it. Listed on the member's home through core.mypages."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nuanjia.members.auth import member_page
from nuanjia.members.services import recently_checked

from .. import queries, services
from ..models import HardshipFile, Objection


@member_page
def my_file_view(request):
    if not recently_checked(request.member_device):
        query = urlencode({"next": reverse("hardship:my_file")})
        return redirect(f"{reverse('members:recheck')}?{query}")
    worker = request.member.worker
    hardship_file = (
        HardshipFile.objects.filter(household__worker=worker)
        .select_related("org")
        .order_by("-pk")
        .first()
        if worker is not None
        else None
    )
    context: dict[str, object] = {"file": hardship_file}
    if hardship_file is not None:
        services.record_copy_read_by_member(hardship_file, actor_label=request.member.actor_label)
        objections = hardship_file.objections.all()
        context |= {
            "worker": worker,
            "members": hardship_file.household.members.order_by("pk"),
            "events": queries.file_history(hardship_file),
            "objection_count": objections.count(),
            "upheld_count": objections.filter(status=Objection.Status.UPHELD).count(),
            "today": timezone.localdate(),
            "org": hardship_file.org,
        }
    return render(request, "hardship/member_copy.html", context)
