"""The family's own hardship file in the member API (/api/v1/me/hardship-file): what the file
says and how it was decided, as the phone page shows it, after a texted code from the last
30 minutes (/api/v1/me/recheck)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema

from nuanjia.core.schemas import ErrorOut
from nuanjia.members.auth import MemberTokenAuth
from nuanjia.members.services import recently_checked

from . import queries, services
from .models import HardshipFile

router = Router(tags=["me"], auth=MemberTokenAuth())


class MyFileStepOut(Schema):
    date: datetime.date
    step: str
    status: str


class MyFileOut(Schema):
    number: str
    status: str
    category: str
    monthly_standard_fen: int
    owning_union: str
    next_review_on: datetime.date | None
    steps: list[MyFileStepOut]


@router.get(
    "",
    response={200: MyFileOut, 403: ErrorOut, 404: ErrorOut},
    summary="My family's hardship file (needs a texted code from the last 30 minutes)",
)
def my_hardship_file(request):
    if not recently_checked(request.member_device):
        raise PermissionDenied
    worker = request.member.worker
    hardship_file = (
        HardshipFile.objects.filter(household__worker=worker)
        .select_related("org")
        .order_by("-pk")
        .first()
        if worker is not None
        else None
    )
    if hardship_file is None:
        raise Http404
    services.record_copy_read_by_member(hardship_file, actor_label=request.member.actor_label)
    return {
        "number": hardship_file.number,
        "status": hardship_file.get_status_display(),
        "category": hardship_file.category_label,
        "monthly_standard_fen": hardship_file.monthly_standard_fen or 0,
        "owning_union": hardship_file.org.name,
        "next_review_on": hardship_file.next_review_on,
        "steps": [
            {
                "date": event.at.date(),
                "step": event.action_label,
                "status": event.get_to_status_display(),
            }
            for event in queries.file_history(hardship_file)
        ],
    }
