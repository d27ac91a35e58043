"""Phone numbers at rest: encrypted, with blind indexes for exact and last-4 lookup, and masked.

A model that keeps a phone has four columns named after one prefix (`phone`, `caller_phone`):

- `<prefix>_encrypted`: the number sealed by core.crypto (AES-GCM), read back only to call or
  text the person and to show it to staff who may see it;
- `<prefix>_index`: the blind index under PURPOSE_PHONE, for exact lookup (the hotline's
  caller lookup, duplicate checks);
- `<prefix>_last4_index`: the blind index of the last 4 digits under PURPOSE_PHONE_LAST4, for
  search by last 4 and the public follow-up's check;
- `<prefix>_masked`: "138****5678", for lists and exports.

`sealed_phone_property(prefix)` gives the model a `<prefix>` property that reads and writes all
four, so `worker.phone = "13812345678"` and `Worker(phone=…)` keep working while the database
never holds the number in clear. Filtering must use `phone_lookup` instead of `phone=`.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from nuanjia.core.crypto import PURPOSE_PHONE, Keyring, decrypt, field_keyring
from nuanjia.core.masking import mask_phone
from nuanjia.core.phones import normalize_phone

PURPOSE_PHONE_LAST4 = "phone_last4"  # its own derived key: a last-4 index never equals a full one
SUFFIXES = ("encrypted", "index", "last4_index", "masked")


@dataclass(frozen=True)
class SealedPhone:
    """The four stored forms of one number; all "" for no number."""

    encrypted: str = ""
    index: str = ""
    last4_index: str = ""
    masked: str = ""

    def columns(self, prefix: str) -> dict[str, str]:
        """{column name: value} for a model's `<prefix>_*` columns."""
        return {f"{prefix}_{suffix}": getattr(self, suffix) for suffix in SUFFIXES}


def seal_phone(number: str | None, keyring: Keyring | None = None) -> SealedPhone:
    """The stored forms of `number` (normalized first); bulk work passes one keyring per chunk."""
    normalized = normalize_phone(number)
    if not normalized:
        return SealedPhone()
    keyring = keyring or field_keyring()
    return SealedPhone(
        encrypted=keyring.encrypt(normalized),
        index=keyring.blind_index(normalized, purpose=PURPOSE_PHONE),
        last4_index=last4_index(normalized, keyring),
        masked=mask_phone(normalized),
    )


def phone_index(number: str | None) -> str:
    """The exact-lookup blind index of a number, "" when there is none."""
    normalized = normalize_phone(number)
    return field_keyring().blind_index(normalized, purpose=PURPOSE_PHONE) if normalized else ""


def last4_index(number_or_last4: str | None, keyring: Keyring | None = None) -> str:
    """The blind index of the last 4 digits of a number (or of 4 digits given alone)."""
    digits = "".join(char for char in str(number_or_last4 or "") if char.isdigit())
    if len(digits) < 4:
        return ""
    return (keyring or field_keyring()).blind_index(digits[-4:], purpose=PURPOSE_PHONE_LAST4)


def phone_lookup(prefix: str, number: str | None) -> Q:
    """A filter for rows whose `<prefix>` is exactly `number` (none when it is empty)."""
    index = phone_index(number)
    return Q(**{f"{prefix}_index": index}) if index else Q(pk__in=[])


def last4_lookup(prefix: str, digits: str) -> Q:
    """A filter for rows whose `<prefix>` ends in the 4 `digits`."""
    index = last4_index(digits)
    return Q(**{f"{prefix}_last4_index": index}) if index else Q(pk__in=[])


def sealed_phone_property(prefix: str) -> property:
    """A model property `<prefix>`: the number in clear on read (decrypted), sealed on write."""

    def read(instance: Any) -> str:
        token = getattr(instance, f"{prefix}_encrypted")
        return decrypt(token) if token else ""

    def write(instance: Any, number: str | None) -> None:
        for column, value in seal_phone(number).columns(prefix).items():
            setattr(instance, column, value)

    return property(read, write, doc=f"The {prefix} in clear; stored sealed (core.sealed_phones).")


def seal_stored_phones(model: Any, *, plain: str, prefix: str, batch_size: int = 2000) -> int:
    """For a data migration: seal every row's clear `plain` column into its `<prefix>_*`
    columns (SQLite and PostgreSQL alike), in batches; the caller then drops `plain`."""
    keyring = field_keyring()
    columns = [f"{prefix}_{suffix}" for suffix in SUFFIXES]
    rows = model._base_manager.exclude(**{plain: ""}).only("pk", plain).order_by("pk")
    sealed, last_pk = 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return sealed
        for row in batch:
            for column, value in seal_phone(getattr(row, plain), keyring).columns(prefix).items():
                setattr(row, column, value)
        model._base_manager.bulk_update(batch, columns)
        sealed, last_pk = sealed + len(batch), batch[-1].pk
