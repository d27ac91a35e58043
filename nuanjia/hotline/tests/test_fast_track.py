"""The hotline's side of 一事一议、先行救助: which tickets may open one, the cap, the same
cause once a year, and the single approver's level and maker-checker."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.core.errors import RuleViolation
from nuanjia.hotline import services
from nuanjia.hotline.models import FastTrackPolicy
from nuanjia.hotline.rules import FastTrackValues, Kind
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.standards.models import DibaoStandard

pytestmark = pytest.mark.django_db
YUAN = 100


@pytest.fixture
def worker(tree):
    return Worker.objects.create(
        org=Org.objects.get(code="410108"), name="黄晓东", region_code="410108",
        phone="13838100010",
    )  # fmt: skip


def urgent_help(agent, worker, **overrides):
    values = {"by": agent, "phone": "13838100010", "region_code": "410108", "kind": Kind.HELP,
              "is_urgent": True, "worker": worker, "description": "欠薪", "dispatch": True}  # fmt: skip
    values.update(overrides)
    return services.open_ticket(**values)


def test_cap_is_a_multiple_of_dibao_within_a_fixed_ceiling():
    assert FastTrackValues().cap_for(None) == 500_000
    assert FastTrackValues().cap_for(80_000) == 400_000  # 5 × 800 元
    assert FastTrackValues(cap_fen=300_000).cap_for(80_000) == 300_000


def test_the_regions_rule_and_dibao_give_the_cap(tree):
    DibaoStandard.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=80_000
    )
    assert services.fast_track_cap_fen("410108") == 400_000
    FastTrackPolicy.objects.create(region_code="410100", effective_on=datetime.date(2020, 1, 1),
                                   dibao_multiple=3, cap_fen=1_000_000)  # fmt: skip
    assert services.fast_track_cap_fen("410108") == 240_000  # the city's rule, 3 × 800 元


@pytest.mark.parametrize(
    "overrides", [{"is_urgent": False}, {"kind": Kind.COMPLAINT}], ids=["not urgent", "not help"]
)
def test_only_an_urgent_help_ticket_opens_advance_relief(
    hotline_agent, caseworker, worker, overrides
):
    ticket = urgent_help(hotline_agent, worker, **overrides)
    with pytest.raises(RuleViolation) as refused:
        services.open_fast_track(ticket, by=caseworker, amount_fen=1_000 * YUAN, cause="欠薪")
    assert refused.value.field == "ticket"
    assert not services.may_open_fast_track(caseworker, ticket)


def test_the_caller_must_be_linked_to_a_worker(hotline_agent, caseworker, worker):
    ticket = urgent_help(hotline_agent, None)
    with pytest.raises(RuleViolation) as refused:
        services.open_fast_track(ticket, by=caseworker, amount_fen=1_000 * YUAN, cause="欠薪")
    assert refused.value.field == "worker"


def test_above_the_cap_is_refused(hotline_agent, caseworker, worker):
    ticket = urgent_help(hotline_agent, worker)
    with pytest.raises(RuleViolation) as refused:
        services.open_fast_track(ticket, by=caseworker, amount_fen=5_001 * YUAN, cause="欠薪")
    assert refused.value.field == "amount_fen"


def test_an_agent_or_an_outsider_cannot_open_it(hotline_agent, outsider, worker):
    ticket = urgent_help(hotline_agent, worker)
    for user in (hotline_agent, outsider):
        with pytest.raises(PermissionDenied):
            services.open_fast_track(ticket, by=user, amount_fen=1_000 * YUAN, cause="欠薪")


def test_the_same_cause_once_a_year(hotline_agent, caseworker, worker):
    ticket = urgent_help(hotline_agent, worker)
    services.open_fast_track(ticket, by=caseworker, amount_fen=1_000 * YUAN, cause="欠薪 致困")
    again = urgent_help(hotline_agent, worker, description="又欠薪")
    with pytest.raises(RuleViolation) as refused:
        services.open_fast_track(again, by=caseworker, amount_fen=500 * YUAN, cause="欠薪致困")
    assert refused.value.field == "cause"
    other = services.open_fast_track(again, by=caseworker, amount_fen=500 * YUAN, cause="医疗")
    assert other.grant.grant_type.code == "advance" and other.grant.reason.startswith(again.number)


def test_only_one_approver_of_a_county_or_city_union_who_did_not_propose(
    hotline_agent, caseworker, worker, make_staff
):
    ticket = urgent_help(hotline_agent, worker)
    fast_track = services.open_fast_track(
        ticket, by=caseworker, amount_fen=1_000 * YUAN, cause="欠薪"
    )
    huiji = Org.objects.get(code="410108")
    from nuanjia.orgs.services import create_grassroots_union

    union = create_grassroots_union(
        parent=huiji, name="某企业工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    grassroots_approver = make_staff(union.code, Role.APPROVER)
    province_approver = make_staff("410000", Role.APPROVER)
    both = make_staff("410108", Role.APPROVER, Role.CASEWORKER)
    assert services.may_approve_fast_track(make_staff("410100", Role.APPROVER))
    assert not services.may_approve_fast_track(grassroots_approver)
    assert not services.may_approve_fast_track(province_approver)
    with pytest.raises(PermissionDenied):
        services.approve_fast_track(fast_track, by=province_approver)
    own = services.open_fast_track(
        urgent_help(hotline_agent, worker, description="另一事"), by=both,
        amount_fen=100 * YUAN, cause="医疗",
    )  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.approve_fast_track(own, by=both)
    assert refused.value.code == "maker_checker"


def test_the_ticket_page_shows_the_advance_relief_and_the_approve_button(
    hotline_agent, caseworker, approver, worker, login, money
):
    from django.urls import reverse

    ticket = urgent_help(hotline_agent, worker)
    client = login(caseworker)
    response = client.post(
        reverse("hotline:fast_track_open", args=[ticket.pk]),
        {"amount": "2500.00", "cause": "欠薪", "reason": "<script>x</script>"},
    )
    assert response.status_code == 302
    fast_track = ticket.fast_tracks.get()
    page = login(approver).get(reverse("hotline:detail", args=[ticket.pk])).content.decode()
    assert fast_track.grant.number in page and 'data-testid="fast-track-approve"' in page
    assert "<script>x</script>" not in page
    from django.test import Client

    from conftest import verified_login

    approver_client = Client()
    verified_login(approver_client, approver)
    approving = approver_client.post(reverse("hotline:fast_track_approve", args=[ticket.pk]))
    assert approving.status_code == 302
    fast_track.grant.refresh_from_db()
    assert fast_track.grant.status == "approved" and fast_track.grant.reviewed_by is None

    other = Client()
    verified_login(other, caseworker)
    refused = other.post(reverse("hotline:fast_track_approve", args=[ticket.pk]))
    assert refused.status_code == 403  # a caseworker is not an approver
