"""Out-of-scope campaign rows for the scoping walker (tests/test_scoping.py `other_county`): a
campaign led by 开封市鼓楼区 with an activity of each kind, every row carrying the marker."""

import datetime

from nuanjia.campaigns.models import Activity, Campaign
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus


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
    rows |= _optional_rows(union, marker, visit, screening)
    return rows


def _optional_rows(union, marker, visit, screening) -> dict[str, int]:
    """Rows of the parts built beside this module: each part adds its own function here."""
    from .scoping_screening import screening_rows

    rows: dict[str, int] = {}
    rows |= screening_rows(union, marker, screening)
    return rows
