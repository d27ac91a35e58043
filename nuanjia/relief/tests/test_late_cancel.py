"""Cancelling a grant after approval (its money reserved) is for approvers and finance: a
caseworker's attempt, by the API or a crafted POST, is refused by the engine and audited like
every other refused step (issue 12); the roles that may take it reach it on both surfaces."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.accounts.services import issue_api_token
from nuanjia.core.audit import AuditEvent
from nuanjia.relief.models import Grant
from nuanjia.relief.rules import Status, Step

pytestmark = pytest.mark.django_db


def _api(user) -> dict:
    _token, raw = issue_api_token(user, name="test", by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _signed_in(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _refusals(user) -> list[dict]:
    return [
        event.changes
        for event in AuditEvent.objects.filter(action="access.denied", actor=user, success=False)
    ]


def _status(grant) -> str:
    return Grant.objects.get(pk=grant.pk).status


def test_a_caseworkers_late_cancel_by_the_api_is_refused_and_audited(
    money, worker, walk, caseworker
):
    grant = walk(worker, "approved")
    url = f"/api/v1/relief/grants/{grant.pk}/cancel"
    response = Client().post(
        url, {"note": "重复申请"}, content_type="application/json", **_api(caseworker)
    )
    assert response.status_code == 403
    assert _status(grant) == Status.APPROVED
    assert {"permission": "relief.cancel", "where": url} in _refusals(caseworker)


def test_a_caseworkers_crafted_late_cancel_post_is_refused_and_audited(
    money, worker, walk, caseworker
):
    grant = walk(worker, "approved")
    client = _signed_in(caseworker)
    detail = client.get(reverse("relief:grant_detail", args=[grant.pk]))
    url = reverse("relief:step_cancel", args=[grant.pk])
    assert url not in detail.content.decode()  # the page does not offer it
    response = client.post(url, {"note": "重复申请"})
    assert response.status_code == 403
    assert _status(grant) == Status.APPROVED
    assert {"permission": "relief.cancel", "where": url} in _refusals(caseworker)


def test_a_caseworker_still_cancels_before_approval_on_both_surfaces(
    money, worker, walk, caseworker
):
    by_api, by_page = walk(worker, "reviewed"), walk(worker, "proposed")
    detail = Client().get(f"/api/v1/relief/grants/{by_api.pk}", **_api(caseworker)).json()
    assert Step.CANCEL in detail["steps"]
    response = Client().post(
        f"/api/v1/relief/grants/{by_api.pk}/cancel",
        {"note": "录错"},
        content_type="application/json",
        **_api(caseworker),
    )
    assert response.status_code == 200 and response.json()["status"] == Status.CANCELLED
    page = _signed_in(caseworker).post(
        reverse("relief:step_cancel", args=[by_page.pk]), {"note": "录错"}
    )
    assert page.status_code == 302 and _status(by_page) == Status.CANCELLED


@pytest.mark.parametrize("role", ["approver", "finance"])
def test_approvers_and_finance_reach_the_late_cancel_on_both_surfaces(
    money, worker, walk, caseworker, role, request
):
    user = request.getfixturevalue(role)
    by_api, by_page = walk(worker, "approved"), walk(worker, "approved")
    caseworker_view = Client().get(f"/api/v1/relief/grants/{by_api.pk}", **_api(caseworker))
    assert Step.CANCEL not in caseworker_view.json()["steps"]
    assert (
        Step.CANCEL
        in Client().get(f"/api/v1/relief/grants/{by_api.pk}", **_api(user)).json()["steps"]
    )
    response = Client().post(
        f"/api/v1/relief/grants/{by_api.pk}/cancel",
        {"note": "重复申请"},
        content_type="application/json",
        **_api(user),
    )
    assert response.status_code == 200 and _status(by_api) == Status.CANCELLED
    client = _signed_in(user)
    url = reverse("relief:step_cancel", args=[by_page.pk])
    assert url in client.get(reverse("relief:grant_detail", args=[by_page.pk])).content.decode()
    assert client.post(url, {"note": "重复申请"}).status_code == 302
    assert _status(by_page) == Status.CANCELLED
    assert not _refusals(user)
