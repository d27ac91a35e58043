"""Out-of-scope station rows for the scoping walker (tests/test_scoping.py `other_county`)."""

import datetime

from django.utils import timezone

from nuanjia.stations import rules
from nuanjia.stations.models import (
    Closure,
    DayTally,
    Station,
    StationDay,
    StationPhoto,
    Visit,
)


def png_bytes() -> bytes:
    """A real 2×2 PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def station_rows(union, marker: str) -> dict[str, int]:
    """A 开封 station with a closure, a photo, visits and a rollup, all carrying the marker;
    returns the walker's URL parameters for them."""
    lat, lng = 34.7972, 114.3076  # 开封 鼓楼区
    hours = rules.parse_opening_hours("24小时")
    station = Station.objects.create(
        code="KF-SCOPE-1",
        name=marker,
        org=union,
        address=marker,
        region_code="410204",
        city_code="410200",
        lat=lat,
        lng=lng,
        cell=rules.cell_of(lat, lng),
        opening_hours="24小时",
        weekly_hours=hours.to_json(),
        notes=marker,
        is_published=False,  # the public search must not answer with it either
    )
    closure = Closure.objects.create(
        station=station,
        starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 1, 2),
        reason=marker[:100],
    )
    # The row alone (no file written): the walker must be refused before any file is opened.
    photo = StationPhoto.objects.create(
        station=station, caption=marker, image=f"stations/{station.pk}/scope.png"
    )
    now = timezone.now()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Visit.objects.create(station=station, at=now, on=timezone.localdate(), hour=now.hour)
    DayTally.objects.create(station=station, on=yesterday, visits=3)
    StationDay.objects.create(
        station=station,
        on=yesterday,
        org=union,
        region_code="410204",
        city_code="410200",
        visits=3,
        tallied=3,
    )
    return {
        "station_id": station.pk,
        "closure_id": closure.pk,
        "photo_id": photo.pk,
    } | station_grant_rows(station.pk, marker)


def station_grant_rows(station_id: int, marker: str) -> dict[str, int]:
    from nuanjia.stations.models import StationGrant

    station = Station.objects.get(pk=station_id)
    grant = StationGrant.objects.create(
        station=station, org=station.org, kind="upkeep", amount_fen=100_000, purpose=marker
    )
    return {"station_grant_id": grant.pk}
