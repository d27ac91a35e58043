"""Relief grants on the workflow engine: the approval level follows the proposer, not a payer
the proposer picks; grant types name their earmarks; advance relief (先行救助) reaches its
approver (queue, home tile with an urgent mark, page and API)."""

import pytest
from django.urls import reverse

from nuanjia.accounts.services import issue_api_token
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services as funds
from nuanjia.funds.models import FundAccount
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.relief import services
from nuanjia.relief.models import Grant, GrantEvent
from nuanjia.relief.rules import Status
from nuanjia.relief.todo import TODO_LABELS, relief_todo

from .conftest import YUAN, make_family

pytestmark = pytest.mark.django_db


def _api(user) -> dict:
    _token, raw = issue_api_token(user, name="test", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _propose(worker, by, grant_types, *, type="warmth", amount_fen=1_000 * YUAN, **extra):
    return services.propose_grant(
        worker, grant_type=grant_types[type], amount_fen=amount_fen, reason="慰问", by=by, **extra
    )


# ---- The approval level (issue 12 item 1) --------------------------------------------------


def test_a_grassroots_payer_does_not_let_the_county_approve_above_its_limit(
    money, huiji, caseworker, reviewer, approver, city_approver, finance, grant_types, earmarks
):
    """A county caseworker proposes 6,000元 paid by a grassroots union under the county, county
    finance passes the money down to it: the county approver still may not approve."""
    union = create_grassroots_union(
        parent=huiji, name="某机械厂工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    funds.allocate(huiji, union, earmarks["hardship"], 6_000 * YUAN, by=finance)
    worker = make_family().household.worker
    grant = _propose(
        worker, caseworker, grant_types, type="medical", amount_fen=6_000 * YUAN, org=union
    )
    assert grant.needs_higher_approval
    services.review_grant(grant, by=reviewer)
    with pytest.raises(RuleViolation) as refusal:
        services.approve_grant(grant, by=approver)
    assert refusal.value.code == "higher_approval"
    assert huiji.name in refusal.value.message
    account = funds.account_for(union, earmarks["hardship"])
    assert FundAccount.objects.get(pk=account.pk).reserved_fen == 0
    services.approve_grant(grant, by=city_approver)
    grant.refresh_from_db()
    assert grant.status == Status.APPROVED and grant.approved_by == city_approver


def test_a_grant_type_is_paid_only_from_the_earmarks_it_names(
    money, worker, caseworker, grant_types, earmarks
):
    warmth = grant_types["warmth"]
    assert list(warmth.earmarks.values_list("code", flat=True)) == ["warmth"]  # the migration
    with pytest.raises(RuleViolation) as refusal:
        _propose(worker, caseworker, grant_types, earmark=earmarks["stations"])
    assert refusal.value.field == "earmark"
    assert not Grant.objects.exists()
    warmth.earmarks.add(earmarks["epidemic"])
    grant = _propose(worker, caseworker, grant_types, earmark=earmarks["epidemic"])
    assert grant.earmark.code == "epidemic"


def test_the_api_refuses_another_earmark_on_its_field(client, worker, caseworker, money):
    response = client.post(
        "/api/v1/relief/grants",
        {
            "worker_id": worker.pk,
            "grant_type": "warmth",
            "amount_fen": 100_000,
            "reason": "慰问",
            "earmark": "stations",
        },
        content_type="application/json",
        **_api(caseworker),
    )
    assert response.status_code == 400 and response.json()["field"] == "earmark"


# ---- Advance relief reaches its approver (issue 12 item 2) ---------------------------------


@pytest.fixture
def advance(money, worker, caseworker, grant_types):
    return _propose(worker, caseworker, grant_types, type="advance", amount_fen=2_000 * YUAN)


def test_advance_relief_waits_in_the_approvers_queue_marked_urgent(
    login, advance, approver, walk, worker
):
    reviewed = walk(worker, "reviewed")
    items = {item.label: item for item in relief_todo(approver)}
    tile = items[str(TODO_LABELS["to_approve"])]
    assert (tile.count, tile.urgent) == (2, 1)
    client = login(approver)
    home = client.get(reverse("desk:home")).content.decode()
    assert 'data-testid="urgent"' in home
    listed = client.get(reverse("relief:grants"), {"queue": "to_approve"}).content.decode()
    assert advance.number in listed and reviewed.number in listed
    assert listed.count('data-testid="urgent"') == 1


def test_the_approver_approves_advance_relief_from_its_page(login, advance, approver):
    client = login(approver)
    detail = client.get(reverse("relief:grant_detail", args=[advance.pk])).content.decode()
    assert 'data-testid="step-approve_advance"' in detail
    url = reverse("relief:step_approve_advance", args=[advance.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "急难"})
    assert response.status_code == 302
    advance.refresh_from_db()
    assert advance.status == Status.APPROVED and advance.approved_by == approver


def test_the_api_approves_advance_relief_in_one_step(client, advance, approver, caseworker):
    url = f"/api/v1/relief/grants/{advance.pk}/approve_advance"
    refused = client.post(url, {"note": ""}, content_type="application/json", **_api(caseworker))
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(
        action="access.denied", changes__permission="relief.approve_advance"
    ).exists()
    detail = client.get(f"/api/v1/relief/grants/{advance.pk}", **_api(approver)).json()
    assert "approve_advance" in detail["steps"]
    approved = client.post(url, {"note": ""}, content_type="application/json", **_api(approver))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    event = GrantEvent.objects.filter(grant=advance).last()
    assert (event.action, event.from_status, event.to_status) == (
        "approve_advance",
        "proposed",
        "approved",
    )
    again = client.post(url, {"note": ""}, content_type="application/json", **_api(approver))
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"


def test_an_ordinary_grant_offers_no_one_approver_path(client, money, worker, walk, approver):
    grant = walk(worker, "proposed")
    detail = client.get(f"/api/v1/relief/grants/{grant.pk}", **_api(approver)).json()
    assert "approve_advance" not in detail["steps"]
    response = client.post(
        f"/api/v1/relief/grants/{grant.pk}/approve_advance",
        {"note": ""},
        content_type="application/json",
        **_api(approver),
    )
    assert response.status_code == 400 and response.json()["code"] == "not_advance"
