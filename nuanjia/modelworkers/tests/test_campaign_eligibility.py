"""Acceptance (issue 23): a worker with a 劳模 honour is found eligible by a campaign rule on
honours — the campaign's preview counts the honoured worker and not the others, and the
enrolment run lists exactly them (health checks, 疗休养 for model workers)."""

import pytest

from nuanjia.campaigns import services as campaigns
from nuanjia.campaigns.models import Enrolment
from nuanjia.campaigns.rules import ActivityKind
from nuanjia.campaigns.tests.conftest import campaign, province_planner  # noqa: F401
from nuanjia.orgs.models import Org
from nuanjia.relief.tests.conftest import make_worker

from .conftest import honour

pytestmark = pytest.mark.django_db

MODEL_WORKERS = {"all": [{"fact": "honour_kind", "op": "in", "value": ["model_worker"]}]}


def test_a_model_worker_is_eligible_by_a_rule_on_honours(campaign, province_planner):  # noqa: F811
    honoured = make_worker("410108", name="张劳模")
    honour(honoured)
    medal = make_worker("410108", name="李奖章")
    honour(medal, kind="may_day_medal")
    plain = make_worker("410108", name="赵职工")
    activity = campaigns.create_activity(
        campaign, kind=ActivityKind.HEALTH_CHECK, name="劳模健康体检", org=campaign.lead_org,
        rule=MODEL_WORKERS, by=province_planner,
    )  # fmt: skip
    preview = campaigns.preview(activity, Org.objects.get(code="410108"))
    assert preview.total == 1
    assert "劳动模范" in preview.rule_text or "Model worker" in preview.rule_text
    campaigns.enrol(activity, Org.objects.get(code="410108"), by=province_planner)
    enrolled = set(Enrolment.objects.filter(activity=activity).values_list("worker_id", flat=True))
    assert enrolled == {honoured.pk}
    assert medal.pk not in enrolled and plain.pk not in enrolled
