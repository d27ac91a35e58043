"""Out-of-scope ledger rows for the scoping walker (tests/test_scoping.py `other_county`)."""

from nuanjia.funds import services
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org


def funds_rows(union, marker: str) -> dict[str, int]:
    """开封鼓楼区 receives money and passes some to the marker union, which reserves part of
    it for a grant; every posting carries the marker. Returns the walker's URL parameters."""
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    gulou = Org.objects.get(code="410204")
    services.receive(gulou, earmark, 500_000, source="上级拨款", by=None, memo=marker)
    allocation = services.allocate(gulou, union, earmark, 300_000, by=None, memo=marker)
    account = services.account_for(union, earmark)
    services.reserve(
        account, 100_000, by=None, source_type="relief.grant", source_id="999999", memo=marker
    )
    return {"account_id": account.pk, "transaction_id": allocation.pk}
