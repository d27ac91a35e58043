"""Out-of-scope campaign rows for the scoping walker (tests/test_scoping.py `other_county`): a
campaign led by 开封市鼓楼区 with an activity of each kind, every row carrying the marker."""

import datetime

from django.utils import timezone

from nuanjia.campaigns.models import (
    Activity,
    Booking,
    Campaign,
    Enrolment,
    EnrolmentRun,
    Quota,
    Roster,
    Visit,
)
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
from nuanjia.people.models import Worker


def campaign_rows(union, marker: str) -> dict[str, int]:
    county = union.parent
    campaign = Campaign.objects.create(
        code="kf-scope",
        name=marker,
        lead_org=county,
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 2, 28),
        status=CampaignStatus.OPEN,
        note=marker,
    )
    visit = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.VISIT, name=marker, org=county, uses_places=True
    )
    screening = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.SCREENING, name=marker, org=county
    )
    rows = {"campaign_id": campaign.pk, "activity_id": visit.pk}
    rows |= _list_rows(union, marker, visit)
    rows |= _optional_rows(union, marker, visit, screening)
    rows |= _partner_rows(union, marker, campaign)
    return rows


def _partner_rows(union, marker: str, campaign) -> dict[str, int]:
    """Rows of the partner programmes (contracts and what runs under them)."""
    from .scoping_contracts import contract_rows
    from .scoping_settlements import settlement_scope_rows

    rows: dict[str, int] = {}
    rows |= contract_rows(union, marker, campaign)
    rows |= settlement_scope_rows(union, marker, campaign)
    rows |= _trip_rows(union, marker, campaign)
    return rows


def _trip_rows(union, marker, campaign) -> dict[str, int]:
    from .scoping_trips import trip_rows

    return trip_rows(union, marker, campaign)


def _list_rows(union, marker: str, visit) -> dict[str, int]:
    """A list with a run and a row, and a booked place, all of the 开封 union."""
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    roster = Roster.objects.create(activity=visit, org=union, row_count=1)
    run = EnrolmentRun.objects.create(
        activity=visit, roster=roster, org=union, rule_text=marker, max_id=worker.pk
    )
    row = Enrolment.objects.create(
        activity=visit, roster=roster, worker=worker, org=union, run=run, added_at=timezone.now()
    )
    quota = Quota.objects.create(activity=visit, org=union, total=5, used=1)
    booking = Booking.objects.create(
        activity=visit, quota=quota, org=union, worker=worker, note=marker
    )
    visit_row = Visit.objects.create(
        activity=visit, org=union, worker=worker, visited_on=datetime.date(2026, 12, 1), note=marker
    )
    return {
        "visit_id": visit_row.pk,
        "roster_id": roster.pk,
        "run_id": run.pk,
        "enrolment_id": row.pk,
        "booking_id": booking.pk,
    }


def _optional_rows(union, marker, visit, screening) -> dict[str, int]:
    """Rows of the parts built beside this module: each part adds its own function here."""
    from .scoping_breakfast import breakfast_rows
    from .scoping_goods import goods_rows
    from .scoping_health import health_rows
    from .scoping_partner_figures import partner_figure_rows
    from .scoping_screening import screening_rows

    rows: dict[str, int] = {}
    rows |= screening_rows(union, marker, screening)
    rows |= goods_rows(union, marker, visit)
    rows |= health_rows(union, marker, visit.campaign)
    rows |= partner_figure_rows(union, marker, visit)
    rows |= breakfast_rows(union, marker, visit.campaign)
    return rows
