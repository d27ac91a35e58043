"""Out-of-scope relief rows for the scoping walker (tests/test_scoping.py `other_county`)."""

from django.utils import timezone

from nuanjia.funds.models import Earmark
from nuanjia.people.models import Worker
from nuanjia.relief.models import Grant, GrantType, PaymentBatch, PaymentLine, line_reference
from nuanjia.relief.rules import Status


def relief_rows(union, marker: str) -> dict[str, int]:
    """A 开封 worker's grant in a batch sent to the bank, carrying the marker; returns the
    walker's URL parameters for them."""
    today = timezone.localdate()
    worker = Worker.objects.create(
        org=union, name=marker, name_pinyin=marker.lower(), region_code="410204"
    )
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    grant_type = GrantType.objects.get_or_create(
        code="warmth", defaults={"name": "送温暖慰问金", "default_earmark": earmark}
    )[0]
    batch = PaymentBatch.objects.create(
        org=union,
        earmark=earmark,
        status=PaymentBatch.Status.EXPORTED,
        note=marker,
        line_count=1,
        total_fen=100_000,
    )
    grant = Grant.objects.create(
        worker=worker,
        grant_type=grant_type,
        earmark=earmark,
        org=union,
        region_code="410204",
        amount_fen=100_000,
        reason=marker,
        status=Status.BATCHED,
        year=today.year,
        proposed_on=today,
        warnings=[marker],
        batch=batch,
    )
    PaymentLine.objects.create(
        batch=batch,
        source_type="relief.grant",
        source_id=str(grant.pk),
        payee_name=marker,
        reference=line_reference(batch.pk, grant.pk),
        amount_fen=100_000,
        result_reason=marker,
    )
    return {"grant_id": grant.pk, "payment_batch_id": batch.pk}
