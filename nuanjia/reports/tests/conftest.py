import datetime

import pytest

from nuanjia.orgs.models import Org
from nuanjia.reports import services

from .factories import allocation, paid_grant, workers

DAY = datetime.date(2026, 2, 10)


@pytest.fixture(autouse=True)
def frozen_clock(frozen_clock):
    """The reports' tests run on 2026-03-02 10:00 in Shanghai (the root conftest's clock)."""
    return frozen_clock


@pytest.fixture
def figures(tree):
    """Grants paid in 惠济区 (410108) and 中原区 (410102), 郑州; one in 开封 (410204); an
    allocation from 郑州 to 惠济区 and one from the province to 郑州."""
    huiji, zhongyuan, kaifeng = (Org.objects.get(code=c) for c in ("410108", "410102", "410204"))
    zhengzhou, province = Org.objects.get(code="410100"), Org.objects.get(code="410000")
    (a,) = workers(huiji, 1)
    (b,) = workers(zhongyuan, 1)
    (c,) = workers(kaifeng, 1)
    paid_grant(a, huiji, DAY, 100_000)
    paid_grant(a, huiji, DAY, 50_000)
    paid_grant(b, zhongyuan, DAY, 30_000)
    paid_grant(c, kaifeng, DAY, 70_000)
    paid_grant(a, huiji, DAY.replace(year=2025), 40_000)
    allocation(zhengzhou, huiji, DAY, 500_000)
    allocation(province, zhengzhou, DAY, 900_000)
    services.rebuild(datetime.date(2025, 1, 1), datetime.date(2026, 3, 2))
    return {"huiji": huiji, "zhengzhou": zhengzhou, "kaifeng": kaifeng}
