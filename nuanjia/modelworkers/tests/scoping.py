"""Out-of-scope model-worker rows for the scoping walker (tests/test_scoping.py
`other_county`): a 开封 劳模 with a village base, a pairing with a visit, a collective with an
honour, a help case with a proposed payment — every text carrying the marker."""

import datetime

from nuanjia.funds.models import Earmark
from nuanjia.modelworkers.models import (
    Base,
    Collective,
    CollectiveHonour,
    HelpCase,
    HelpPayment,
    Pairing,
    PairingVisit,
)
from nuanjia.people.honour_models import Honour
from nuanjia.people.models import Worker


def modelworker_rows(union, marker: str) -> dict[str, int]:
    worker = Worker.objects.create(org=union, name=marker[:50], region_code="410204")
    honour = Honour.objects.create(worker=worker, kind="model_worker", level="provincial",
                                   year=2020, issuer=marker[:100])  # fmt: skip
    collective = Collective.objects.create(org=union, kind="team", name=marker, note=marker)
    CollectiveHonour.objects.create(collective=collective, org=union, kind="advanced",
                                    level="city", year=2021, issuer=marker[:100])  # fmt: skip
    base = Base.objects.create(
        org=union, region_code="410204", village=marker[:60], worker=worker, projects=marker,
        money_fen=100, technology=marker, started_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    pairing = Pairing.objects.create(org=union, worker=worker, target="village", base=base,
                                     starts_on=datetime.date(2025, 1, 1), note=marker)  # fmt: skip
    PairingVisit.objects.create(pairing=pairing, visited_on=datetime.date(2025, 2, 1), note=marker)
    case = HelpCase.objects.create(
        org=union, worker=worker, honour=honour, frequency="monthly", income_monthly_fen=0,
        income_note=marker[:200], starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    payment = HelpPayment.objects.create(
        case=case, org=union, worker=worker, earmark=Earmark.objects.get(code="model-worker-help"),
        period="2025-01", period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 1, 31), amount_fen=100, note=marker[:200],
    )  # fmt: skip
    return {
        "mw_collective_id": collective.pk, "mw_base_id": base.pk, "mw_pairing_id": pairing.pk,
        "mw_case_id": case.pk, "mw_payment_id": payment.pk,
    }  # fmt: skip
