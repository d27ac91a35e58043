"""Rules as data in a campaign: the preview and the run follow the rule; "already helped in
this campaign" and the last health check are facts a rule can use; the page saves a rule."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import verified_login
from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Enrolment, Quota, Visit
from nuanjia.campaigns.rules import ActivityKind, BookingStatus
from nuanjia.orgs.models import Org
from nuanjia.people.models import OccupationTag

from .conftest import make_worker

pytestmark = pytest.mark.django_db

SANITATION = {"all": [{"fact": "occupation", "op": "in", "value": ["环卫工人"]}]}


def _sanitation_worker(code="410108"):
    worker = make_worker(code)
    worker.occupations.add(OccupationTag.objects.get(name="环卫工人"))
    return worker


def test_the_rule_chooses_who_the_run_adds(visit_activity, province_planner):
    chosen = [_sanitation_worker() for _ in range(3)]
    make_worker("410108")  # not a sanitation worker
    services.change_rule(visit_activity, SANITATION, by=province_planner)
    preview = services.preview(visit_activity, Org.objects.get(code="410100"))
    assert preview.total == 3 and "环卫工人" in preview.rule_text
    services.enrol(visit_activity, Org.objects.get(code="410100"), by=province_planner)
    enrolled = set(Enrolment.objects.values_list("worker_id", flat=True))
    assert enrolled == {worker.pk for worker in chosen}


def test_people_already_helped_in_the_campaign_can_be_left_out(
    campaign, visit_activity, province_planner
):
    helped, not_yet = _sanitation_worker(), _sanitation_worker()
    Visit.objects.create(
        activity=visit_activity, org=helped.org, worker=helped, visited_on=datetime.date(2026, 1, 5)
    )
    screening = services.create_activity(
        campaign,
        kind=ActivityKind.SCREENING,
        name="困难排查",
        org=campaign.lead_org,
        rule={"all": [SANITATION["all"][0], {"not": {"fact": "helped_in_campaign", "op": "yes"}}]},
        by=province_planner,
    )
    preview = services.preview(screening, Org.objects.get(code="410100"))
    assert preview.total == 1
    services.enrol(screening, Org.objects.get(code="410100"), by=province_planner)
    assert list(
        Enrolment.objects.filter(activity=screening).values_list("worker_id", flat=True)
    ) == [not_yet.pk]


def test_never_checked_people_come_first(campaign, places_activity, province_planner):
    checked, never = make_worker("410108"), make_worker("410108")
    quota = Quota.objects.create(activity=places_activity, org=campaign.lead_org, total=5, used=1)
    Booking.objects.create(
        activity=places_activity,
        quota=quota,
        org=campaign.lead_org,
        worker=checked,
        status=BookingStatus.DONE,
        closed_at=timezone.now(),
    )
    services.change_rule(
        places_activity, {"fact": "health_checked", "op": "no"}, by=province_planner
    )
    preview = services.preview(places_activity, Org.objects.get(code="410108"))
    assert preview.total == 1
    services.enrol(places_activity, Org.objects.get(code="410108"), by=province_planner)
    assert Enrolment.objects.get(activity=places_activity).worker_id == never.pk


def test_the_enrolment_page_saves_a_rule_from_the_builder(visit_activity, province_planner):
    client = Client()
    verified_login(client, province_planner)
    url = reverse("campaigns:enrolment", args=[visit_activity.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "rule-combine": "all",
            "rule-rows-TOTAL_FORMS": "1",
            "rule-rows-INITIAL_FORMS": "0",
            "rule-rows-0-fact": "occupation",
            "rule-rows-0-op": "in",
            "rule-rows-0-value": "环卫工人",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    visit_activity.refresh_from_db()
    assert visit_activity.rule == SANITATION
