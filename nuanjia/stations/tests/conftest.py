import pytest

from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.stations.services import GRANT_EARMARK, StationFields, create_station

# 郑州 惠济区 around 惠济区政府 (WGS-84).
HUIJI = (34.8687, 113.6164)


@pytest.fixture
def keeper(make_staff):
    """A 惠济区 station keeper (驿站管理员)."""
    return make_staff("410108", Role.STATION_KEEPER, username="hj_keeper")


@pytest.fixture
def make_station(tree):
    counter = {"n": 0}

    def make(
        *,
        org_code: str = "410108",
        lat: float = HUIJI[0],
        lng: float = HUIJI[1],
        hours: str = "24小时",
        facilities=None,
        region_code: str | None = None,
        **extra,
    ):
        counter["n"] += 1
        org = Org.objects.get(code=org_code)
        fields = StationFields(
            code=extra.pop("code", f"T-{org_code}-{counter['n']:03d}"),
            name=extra.pop("name", f"测试驿站{counter['n']}"),
            org=org,
            address=extra.pop("address", "郑州市惠济区测试路1号"),
            region_code=region_code or org.region_code,
            lat=lat,
            lng=lng,
            opening_hours=hours,
            facilities=facilities if facilities is not None else {"饮水": None},
            **extra,
        )
        return create_station(fields, by=None)

    return make


@pytest.fixture
def funded(tree):
    """惠济区's account of 户外劳动者驿站建设 holds 10万元 (received by the system)."""
    from nuanjia.funds import services as funds
    from nuanjia.funds.models import Earmark

    earmark = Earmark.objects.get(name=GRANT_EARMARK)
    huiji = Org.objects.get(code="410108")
    funds.receive(huiji, earmark, 10_000_000, by=None, source="财政", memo="驿站建设")
    return funds.account_for(huiji, earmark)
