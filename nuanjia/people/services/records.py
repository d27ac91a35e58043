"""What the registry services share about a stored record: its number fields, storing a parsed ID
number, the row lock, the before/after diff an audit event carries."""

from typing import Any

from nuanjia.core.crypto import (
    PURPOSE_ID_NUMBER,
    blind_index,
    encrypt,
)
from nuanjia.core.idnumbers import (
    IdNumber,
)
from nuanjia.core.masking import mask_id_number

from ..models import (
    HouseholdMember,
    Worker,
)

ID_FIELDS = ("id_number_encrypted", "id_number_index", "id_number_masked", "id_last4")
BANK_FIELDS = ("bank_account_encrypted", "bank_account_index", "bank_account_masked")
PHONE_FIELDS = ("phone_encrypted", "phone_index", "phone_last4_index", "phone_masked")


def _set_id_number(target: Worker | HouseholdMember, parsed: IdNumber | None) -> None:
    """Store an ID number on a worker or member: encrypted, blind index, masked, last 4."""
    if parsed is None:
        for name in ID_FIELDS:
            if hasattr(target, name):
                setattr(target, name, "")
        return
    target.id_number_encrypted = encrypt(parsed.number)
    target.id_number_index = blind_index(parsed.number, purpose=PURPOSE_ID_NUMBER)
    target.id_number_masked = mask_id_number(parsed.number)
    if hasattr(target, "id_last4"):
        target.id_last4 = parsed.number[-4:]
    target.gender = parsed.gender
    target.birth_date = parsed.birth_date


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    def plain(value: object) -> object:
        return value if value is None or isinstance(value, bool | int | str) else str(value)

    return {
        field: [plain(before.get(field)), plain(after[field])]
        for field in after
        if before.get(field) != after[field]
    }


def _lock_worker(worker: Worker) -> Worker:
    return Worker.objects.select_for_update(of=("self",)).select_related("org").get(pk=worker.pk)
