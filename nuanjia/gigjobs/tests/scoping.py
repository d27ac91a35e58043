"""Out-of-scope gig-job rows for the scoping walker (tests/test_scoping.py `other_county`):
a 开封 corner with a post, a gig worker, a match waiting for consent with its history, and
a dispute with its 12351 ticket — every text carrying the marker."""

import datetime

from django.utils import timezone

from nuanjia.gigjobs.models import Corner, Dispute, GigWorker, JobPost, Match, MatchEvent
from nuanjia.hotline.models import Ticket


def gigjobs_rows(union, marker: str) -> dict[str, int]:
    corner = Corner.objects.create(org=union, name=marker, region_code="410204", address=marker,
                                   lat=34.79, lng=114.35, services=marker)  # fmt: skip
    today = timezone.localdate()
    post = JobPost(
        corner=corner, org=union, employer_name=marker, work=marker[:100], pay_unit="day",
        pay_fen=20_000, region_code="410204", address=marker, lat=34.79, lng=114.35, cell=1,
        starts_on=today, ends_on=today + datetime.timedelta(days=3), workers_wanted=2,
        contact_name=marker[:50],
    )  # fmt: skip
    post.contact_phone = "13800009999"
    post.save()
    gig = GigWorker(corner=corner, org=union, name=marker[:50], skills=marker,
                    available_from=today, available_until=today + datetime.timedelta(days=9))  # fmt: skip
    gig.phone = "13900009999"
    gig.save()
    match = Match.objects.create(post=post, gig_worker=gig, corner=corner, org=union)
    MatchEvent.objects.create(match=match, action="propose", note=marker)
    ticket = Ticket.objects.filter(org=union).first() or Ticket.objects.first()
    if ticket is not None:
        Dispute.objects.create(match=match, org=union, kind="unpaid", description=marker,
                               ticket=ticket)  # fmt: skip
    return {
        "gig_corner_id": corner.pk, "gig_post_id": post.pk, "gig_worker_id": gig.pk,
        "gig_match_id": match.pk,
    }  # fmt: skip
