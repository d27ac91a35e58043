"""The preview-and-enrol page, its confirm page when the count moved, and the list's steps."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.campaigns.models import Enrolment, Roster
from nuanjia.campaigns.rules import RosterStatus

from .conftest import make_worker

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    verified_login(client, user)
    return client


def test_preview_then_enrol_then_submit_and_approve(visit_activity, city_caseworker, city_approver):
    for _ in range(3):
        make_worker("410108")
    make_worker("410204")  # 开封: not 郑州's
    client = _client(city_caseworker)
    url = reverse("campaigns:enrolment", args=[visit_activity.pk])
    page = client.get(url, {"preview": 1, "org": "410100"})
    assert page.status_code == 200
    assert page.context["preview"].total == 3
    assert "惠济区" in page.content.decode()
    enrolled = client.post(
        reverse("campaigns:enrol", args=[visit_activity.pk]),
        {"org": "410100", "expected": 3, "rule_hash": page.context["preview"].rule_hash},
        follow=True,
    )
    assert enrolled.status_code == 200
    assert Enrolment.objects.filter(activity=visit_activity).count() == 3
    roster = Roster.objects.get(activity=visit_activity)
    detail = client.get(reverse("campaigns:roster_detail", args=[roster.pk]))
    assert detail.status_code == 200 and len(detail.context["page"]) == 3
    client.post(reverse("campaigns:roster_submit", args=[roster.pk]), {"note": ""})
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SUBMITTED
    approver = _client(city_approver)
    queue = approver.get(reverse("campaigns:roster_list"))
    assert roster in list(queue.context["page"])
    approver.post(reverse("campaigns:roster_approve", args=[roster.pk]), {"note": "同意"})
    roster.refresh_from_db()
    assert roster.status == RosterStatus.APPROVED
    export = approver.get(reverse("campaigns:roster_export", args=[roster.pk]))
    assert export.status_code == 200


def test_the_confirm_page_shows_the_new_count_and_the_difference(visit_activity, city_caseworker):
    make_worker("410108")
    client = _client(city_caseworker)
    page = client.get(
        reverse("campaigns:enrolment", args=[visit_activity.pk]), {"preview": 1, "org": "410100"}
    )
    rule_hash = page.context["preview"].rule_hash
    make_worker("410108")  # the registry changes after the preview
    answer = client.post(
        reverse("campaigns:enrol", args=[visit_activity.pk]),
        {"org": "410100", "expected": 1, "rule_hash": rule_hash},
    )
    assert answer.status_code == 200
    assert answer.context["difference"] == 1 and answer.context["preview"].total == 2
    assert not Enrolment.objects.exists()
