"""The member number, the signed card QR and the scan service."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.members import services
from nuanjia.members.cards import CardRefused, card_text, read_card
from nuanjia.people.membership import member_number, worker_id_of
from nuanjia.people.tests.support import id_number, register


@given(st.integers(min_value=1, max_value=9_999_999_999))
def test_every_member_number_reads_back_and_one_typo_is_caught(worker_id):
    number = member_number(worker_id)
    assert worker_id_of(number) == worker_id
    assert worker_id_of(number.removeprefix("N")) == worker_id
    last = int(number[-2])
    typo = number[:-2] + str((last + 1) % 10) + number[-1]
    assert worker_id_of(typo) is None


def test_a_card_is_valid_for_120_seconds_and_refused_after():
    now = time.time()
    text = card_text(42, now)
    assert read_card(text, now + 60).worker_id == 42
    with pytest.raises(CardRefused) as refused:
        read_card(text, now - (now % 60) + 121)
    assert refused.value.reason == "expired"


def test_a_forged_card_is_refused():
    text = card_text(42)
    forged = text.replace(member_number(42), member_number(43))
    with pytest.raises(CardRefused) as refused:
        read_card(forged)
    assert refused.value.reason == "invalid"


@pytest.mark.django_db
def test_the_scan_service_answers_a_masked_name_and_the_status(caseworker):
    member = register(caseworker, name="王小芳", id_number=id_number(sequence=501),
                      union=caseworker.org.children.filter(kind="holding_pool").first())  # fmt: skip
    other = register(caseworker, name="钱多多", id_number=id_number(sequence=503))
    result = services.scan(code=card_text(member.pk))
    assert (result.status, result.name) == ("valid", "王**")
    assert services.scan(code=card_text(other.pk)).status == "not_member"
    stale = card_text(member.pk, time.time() - 180)
    assert services.scan(code=stale).status == "expired"
    last4 = id_number(sequence=501)[-4:]
    assert services.scan(number=member.member_number, id_last4=last4).status == "valid"
    assert services.scan(number=member.member_number, id_last4="0000").status == "invalid"


@pytest.mark.django_db
def test_the_scan_api_needs_a_staff_token(client, caseworker):
    response = client.post("/api/v1/partner/scan", {"code": "x"}, content_type="application/json")
    assert response.status_code == 401
