"""Rotating the field key re-seals every stored ID and bank number, re-runnably."""

import io

import pytest
from django.core.management import call_command

from nuanjia.core.crypto import decrypt, generate_key
from nuanjia.core.models import AuditEvent
from nuanjia.people import services
from nuanjia.people.models import HouseholdMember, Worker

from .conftest import ZHANG_ID
from .support import register

pytestmark = pytest.mark.django_db

OLD, NEW, INDEX = generate_key(), generate_key(), generate_key()


def test_rotation_moves_every_number_to_the_new_key_and_a_second_run_moves_nothing(
    settings, caseworker
):
    settings.NUANJIA_FIELD_KEYS = f"old:{OLD}"
    settings.NUANJIA_BLIND_INDEX_KEY = INDEX
    worker = register(
        caseworker,
        name="张三",
        id_number=ZHANG_ID,
        bank_name="工行",
        bank_account="6222021234567890123",
    )
    services.create_household(worker, by=caseworker)
    index = Worker.objects.get().id_number_index
    assert Worker.objects.get().id_number_encrypted.startswith("old:")

    settings.NUANJIA_FIELD_KEYS = f"new:{NEW},old:{OLD}"
    output = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "1", stdout=output)
    assert "people.worker.id_number_encrypted: 1" in output.getvalue()
    worker = Worker.objects.get()
    member = HouseholdMember.objects.get()
    assert worker.id_number_encrypted.startswith(
        "new:"
    ) and worker.bank_account_encrypted.startswith("new:")
    assert member.id_number_encrypted.startswith("new:")
    assert (decrypt(worker.id_number_encrypted), decrypt(worker.bank_account_encrypted)) == (
        ZHANG_ID,
        "6222021234567890123",
    )
    assert worker.id_number_index == index
    assert services.reencrypt_personal_numbers() == {
        "people.worker.id_number_encrypted": 0,
        "people.worker.bank_account_encrypted": 0,
        "people.worker.phone_encrypted": 0,
        "people.householdmember.id_number_encrypted": 0,
    }
    events = AuditEvent.objects.filter(action="personal_data.reencrypted")
    assert events.count() == 2 and ZHANG_ID not in str(
        list(events.values_list("changes", flat=True))
    )

    settings.NUANJIA_FIELD_KEYS = f"new:{NEW}"  # the old key can go
    assert decrypt(Worker.objects.get().id_number_encrypted) == ZHANG_ID
