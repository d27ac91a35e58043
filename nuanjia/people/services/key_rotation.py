"""Key rotation: re-encrypting personal numbers under the current key."""

from django.db import transaction

from nuanjia.core.audit import record_event
from nuanjia.core.crypto import (
    current_key_id,
    rotate,
)

from ..models import (
    HouseholdMember,
    Worker,
)

# (model, encrypted column) pairs holding tokens of core.crypto.
ENCRYPTED_COLUMNS = (
    (Worker, "id_number_encrypted"),
    (Worker, "bank_account_encrypted"),
    (Worker, "phone_encrypted"),
    (HouseholdMember, "id_number_encrypted"),
)


def reencrypt_personal_numbers(
    *, batch_size: int = 1000, actor_label: str = "rotate_field_keys"
) -> dict[str, int]:
    """Re-seal every stored ID and bank number still under an old field key with the current one.

    Runs in batches, each its own transaction, so it can be stopped and run again: rows already
    under the current key are skipped. Blind indexes do not change (their key never rotates in
    place). One audit event per run records how many values moved, never the values.
    """
    prefix = f"{current_key_id()}:"
    counts: dict[str, int] = {}
    for model, column in ENCRYPTED_COLUMNS:
        label = f"{model._meta.label_lower}.{column}"
        counts[label] = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .exclude(**{column: ""})
                    .exclude(**{f"{column}__startswith": prefix})
                    .values_list("pk", column)[:batch_size]
                )
                for pk, token in rows:
                    model.objects.filter(pk=pk, **{column: token}).update(**{column: rotate(token)})
            counts[label] += len(rows)
            if len(rows) < batch_size:
                break
    with transaction.atomic():
        record_event(
            None,
            "personal_data.reencrypted",
            actor_label=actor_label,
            changes={"key": current_key_id(), "rows": counts},
        )
    return counts
