"""The roster: gaps found before they happen and shown on the supervisor's home, shifts
refused when they overlap or are too long, swaps proposed by a volunteer and approved by
another person through the workflow engine."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import verified_login
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.counselling import services
from nuanjia.counselling.models import Shift, Swap
from nuanjia.counselling.rules import SwapStatus, SwapStep
from nuanjia.counselling.workflow import SWAP_FLOW

from .conftest import at, cover

pytestmark = pytest.mark.django_db


def test_a_gap_tomorrow_night_shows_on_the_supervisor_home_today(
    line, people, caseworker, supervisor
):
    _counsellor, volunteers = people
    cover(volunteers, at(10, 8), 8, skip=(at(11, 3), at(11, 7)), by=caseworker)
    first, last = services.window(7)
    gaps = services.find_gaps([line], first, last)[line.pk]
    assert [(g.starts_at, g.ends_at, g.on_duty) for g in gaps] == [(at(11, 3), at(11, 7), 0)]
    client = Client()
    verified_login(client, supervisor)
    home = client.get("/").content.decode()
    assert "05-11 03:00–07:00" in home
    page = client.get("/counselling/gaps/").content.decode()
    assert "2026-05-11 03:00" in page and "2026-05-11 07:00" in page


def test_fewer_than_the_minimum_is_a_gap_and_the_edges_of_the_window_count(
    line, people, caseworker, supervisor
):
    _counsellor, volunteers = people
    services.change_line(line, by=supervisor, min_on_duty=2, follow_up_hours=24,
                         supervisor=supervisor)  # fmt: skip
    services.add_shift(volunteers[0], at(10, 12), at(10, 20), by=caseworker)
    services.add_shift(volunteers[1], at(10, 14), at(10, 18), by=caseworker)
    gaps = services.find_gaps([line], at(10, 12), at(10, 22))[line.pk]
    local = timezone.localtime
    assert [(local(g.starts_at).hour, local(g.ends_at).hour, g.on_duty) for g in gaps] == [
        (12, 14, 1),
        (18, 22, 0),
    ]


def test_a_home_without_gaps_shows_no_gap_tile(line, people, caseworker, supervisor):
    _counsellor, volunteers = people
    cover(volunteers, at(10, 8), 8, by=caseworker)
    client = Client()
    verified_login(client, supervisor)
    assert "值班空档" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [((10, 12), (10, 11), "ends_at"), ((10, 12), (11, 13), "ends_at")],
)
def test_a_bad_shift_is_refused_naming_the_field(people, caseworker, start, end, field):
    with pytest.raises(RuleViolation) as refused:
        services.add_shift(people[1][0], at(*start), at(*end), by=caseworker)
    assert refused.value.field == field
    assert not Shift.objects.exists()


def test_one_person_cannot_hold_two_shifts_at_once(people, caseworker):
    services.add_shift(people[1][0], at(10, 12), at(10, 20), by=caseworker)
    with pytest.raises(RuleViolation):
        services.add_shift(people[1][0], at(10, 18), at(10, 22), by=caseworker)


def test_a_volunteer_proposes_a_swap_and_the_supervisor_approves_it(people, caseworker, supervisor):
    _counsellor, (wang, zhao, _qian) = people
    shift = services.add_shift(wang, at(11, 0), at(11, 8), by=caseworker)
    swap = services.propose_swap(shift, zhao, reason="家中有事", volunteer=wang)
    assert swap.status == SwapStatus.PROPOSED
    SWAP_FLOW.take_step(swap, SwapStep.APPROVE, by=supervisor)
    shift.refresh_from_db()
    swap.refresh_from_db()
    assert shift.helper == zhao and swap.status == SwapStatus.APPROVED
    assert swap.decided_by == supervisor
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"counselling.swap.propose", "counselling.swap.approve"} <= actions


def test_the_proposer_cannot_approve_their_own_swap(people, supervisor, caseworker):
    _counsellor, (wang, zhao, _qian) = people
    shift = services.add_shift(wang, at(11, 0), at(11, 8), by=caseworker)
    swap = services.propose_swap(shift, zhao, by=supervisor)
    with pytest.raises(RuleViolation):
        SWAP_FLOW.take_step(swap, SwapStep.APPROVE, by=supervisor)
    assert Swap.objects.get().status == SwapStatus.PROPOSED


def test_a_volunteer_cannot_swap_another_persons_shift(people, caseworker):
    _counsellor, (wang, zhao, qian) = people
    shift = services.add_shift(wang, at(11, 0), at(11, 8), by=caseworker)
    with pytest.raises(RuleViolation):
        services.propose_swap(shift, qian, volunteer=zhao)


def test_the_swap_page_approves_and_the_swaps_tile_counts_it(people, caseworker, supervisor):
    _counsellor, (wang, zhao, _qian) = people
    shift = services.add_shift(wang, at(11, 0), at(11, 8), by=caseworker)
    swap = services.propose_swap(shift, zhao, volunteer=wang)
    client = Client()
    verified_login(client, supervisor)
    assert (
        "Shift swaps to decide" in client.get("/").content.decode()
        or "调班" in client.get("/").content.decode()
    )
    answer = client.post(f"/counselling/swaps/{swap.pk}/approve/")
    assert answer.status_code == 302
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED


def test_the_partner_account_of_a_volunteer_reaches_the_shift_page(people, caseworker):
    from nuanjia.members.models import Partner

    _counsellor, (wang, _zhao, _qian) = people
    account = services.open_account(wang, by=caseworker)
    assert account.partner.kind == Partner.Kind.VOLUNTEERS
    assert wang.line.partner_id == account.partner_id
    with pytest.raises(RuleViolation):
        services.open_account(wang, by=caseworker)


def test_window_refuses_too_many_days():
    with pytest.raises(RuleViolation) as refused:
        services.window(100)
    assert refused.value.field == "days"
    assert services.window(1)[1] - services.window(1)[0] == datetime.timedelta(days=1)
