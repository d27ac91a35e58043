"""Public submissions racing each other: every number is handed out once, none is lost, and
the same request sent twice at once becomes one ticket. PostgreSQL only (SQLite's in-memory
test database is not shared between threads)."""

import pytest
from django.db import connection

from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind
from tests import concurrency

pytestmark = pytest.mark.django_db(transaction=True)


def _race(count: int, make_values) -> list:
    results = concurrency.race(lambda index: services.submit_request(**make_values(index)), count)
    assert [result for result in results if isinstance(result, Exception)] == []
    return results


def _values(index: int, *, phone: str | None = None, text: str | None = None) -> dict:
    return {"caller_name": "", "phone": phone or f"13900{index:06d}", "region_code": "410108",
            "kind": Kind.HELP, "description": text or f"并发 {index}"}  # fmt: skip


@pytest.fixture
def postgres_only(tree):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_racing_submissions_get_distinct_numbers_and_none_is_lost(postgres_only):
    results = _race(12, _values)
    numbers = [ticket.number for ticket, _is_new in results]
    assert len(set(numbers)) == 12 == Ticket.objects.count()
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(range(1, 13))


def test_a_merge_can_leave_a_gap_but_never_a_repeat(postgres_only):
    first, _ = services.submit_request(**_values(1, text="甲"))
    services.submit_request(**_values(1, text="甲"))  # merged: its number is not used
    second, _ = services.submit_request(**_values(2, text="乙"))
    assert first.number.endswith("-0001") and second.number.endswith("-0003")


def test_the_same_request_twice_at_once_is_one_ticket(postgres_only):
    results = _race(2, lambda index: _values(index, phone="13912345678", text="同一件事"))
    assert Ticket.objects.count() == 1
    assert sorted(is_new for _ticket, is_new in results) == [False, True]
    assert len({ticket.number for ticket, _is_new in results}) == 1


def test_two_people_taking_the_same_ticket_at_once_one_wins(postgres_only, make_staff):
    from nuanjia.core.errors import RuleViolation
    from nuanjia.core.models import AuditEvent
    from nuanjia.orgs.rules import Role

    first = make_staff("410108", Role.CASEWORKER, username="hj_take_1")
    second = make_staff("410108", Role.CASEWORKER, username="hj_take_2")
    agent = make_staff("410108", Role.HOTLINE_AGENT, username="hj_take_agent")
    ticket = services.open_ticket(by=agent, phone="13912345678", region_code="410108",
                                  kind=Kind.HELP, description="抢单", dispatch=True)  # fmt: skip
    people = [first, second]
    results = concurrency.race(
        lambda index: services.take_ticket(Ticket.objects.get(pk=ticket.pk), by=people[index]), 2
    )
    refused = [result for result in results if isinstance(result, RuleViolation)]
    taken = [result for result in results if isinstance(result, Ticket)]
    assert len(taken) == 1 and len(refused) == 1 and refused[0].code == "already_held"
    ticket.refresh_from_db()
    assert ticket.holder_id == taken[0].holder_id
    assert AuditEvent.objects.filter(action="hotline.taken").count() == 1
