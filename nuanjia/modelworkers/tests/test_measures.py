"""The measures for the reports: model workers on the register (once a year), bases and the
money they brought, help paid (元) and the people it reached (人); the rows behind a figure
are the union's."""

import datetime

import pytest

from nuanjia.core import measures
from nuanjia.modelworkers import services
from nuanjia.modelworkers.models import HelpPayment
from nuanjia.orgs.models import Org

from .conftest import honour

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def _total(code: str) -> int:
    rows = measures.get(code).compute(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    return sum(row["value"] for row in rows)


def test_the_figures_count_the_register_bases_and_help(case, caseworker, model_worker):
    honour(model_worker, level="national", year=2024)  # a second honour: still one person
    assert _total("modelworkers.on_register") == 1
    services.add_base(Org.objects.get(code="410108"), by=caseworker, worker=model_worker,
                      region_code="410122", village="大王庄村", started_on=DAY,
                      money_fen=1_000_000)  # fmt: skip
    assert _total("modelworkers.bases") == 1
    assert _total("modelworkers.money_brought") == 1_000_000
    for on in ("2026-01-05", "2026-02-05"):
        payment = services.propose_payment(case, by=caseworker, on=on)
        HelpPayment.objects.filter(pk=payment.pk).update(status="paid", paid_on=DAY)
    assert _total("modelworkers.help_paid") == 100_000
    assert _total("modelworkers.help_persons") == 1
    rows = measures.get("modelworkers.help_paid").rows(
        Org.objects.get(code="410100").path, False, datetime.date(2026, 1, 1), DAY
    )
    assert rows.count() == 2
