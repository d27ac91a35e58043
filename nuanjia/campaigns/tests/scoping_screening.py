"""Out-of-scope screening rows for the scoping walker (tests/test_scoping.py `other_county`): a
finding of 开封市鼓楼区's screening drive, waiting for a decision, carrying the marker."""

import datetime

from nuanjia.campaigns.models import Finding
from nuanjia.campaigns.rules import FindingDegree, FindingStatus
from nuanjia.people.models import Worker


def screening_rows(union, marker: str, screening_activity) -> dict[str, int]:
    worker = Worker.objects.create(
        org=union, name=marker, name_pinyin=marker.lower(), region_code="410204"
    )
    finding = Finding.objects.create(
        activity=screening_activity,
        org=union,
        worker=worker,
        degree=FindingDegree.SERIOUS,
        circumstances=marker,
        found_by_name=marker,
        found_on=datetime.date(2026, 12, 1),
        status=FindingStatus.FOUND,
    )
    return {"finding_id": finding.pk}
