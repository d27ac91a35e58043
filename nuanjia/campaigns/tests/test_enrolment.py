"""Preview and enrolment: the preview's count is what a run adds; runs are re-runnable and
resumable; lists change by hand only while drawn up and are approved by another person."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Enrolment, EnrolmentRun, Roster
from nuanjia.campaigns.rules import RosterStatus, RosterStep
from nuanjia.campaigns.services.enrolment import _run_chunk
from nuanjia.campaigns.workflow import ROSTER_FLOW
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org

from .conftest import make_worker

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """A process killed in the middle of a chunk: its transaction never commits."""


@pytest.fixture
def registry(tree):
    """12 workers in 惠济区, 5 in 中原区 (郑州), 4 in 开封."""
    return (
        [make_worker("410108") for _ in range(12)]
        + [make_worker("410102") for _ in range(5)]
        + [make_worker("410204") for _ in range(4)]
    )


def _org(code):
    return Org.objects.get(code=code)


def test_the_preview_counts_per_city_and_the_run_adds_exactly_that(
    visit_activity, registry, province_planner
):
    preview = services.preview(visit_activity, _org("410000"))
    per_city = {row.org.code: row.count for row in preview.per_union}
    assert per_city == {"410100": 17, "410200": 4}
    assert preview.total == 21
    run = services.enrol(visit_activity, _org("410000"), by=province_planner, chunk=5)
    assert run.added == preview.total == Enrolment.objects.filter(activity=visit_activity).count()
    assert run.status == EnrolmentRun.Status.DONE and run.chunks > 1


def test_the_preview_says_how_many_it_chooses_are_on_a_list_already(
    visit_activity, registry, province_planner, make_staff
):
    """A city enrols its own first; the province's preview then adds the rest only, and says
    how many it chooses are already on the city's list (counted the same whether the union's
    subtree is read whole, as the province's, or through its unions, as a city's)."""
    city_planner = make_staff("410100", "caseworker", username="zz_planner")
    services.enrol(visit_activity, _org("410100"), by=city_planner)
    preview = services.preview(visit_activity, _org("410000"))
    assert {row.org.code: row.count for row in preview.per_union} == {"410200": 4}
    assert (preview.total, preview.already) == (4, 17)
    city = services.preview(visit_activity, _org("410100"))
    assert (city.total, city.already, city.per_union) == (0, 17, [])


def test_a_second_run_adds_nobody_and_a_new_worker_only_once(
    visit_activity, registry, province_planner
):
    province = _org("410000")
    services.enrol(visit_activity, province, by=province_planner)
    assert services.preview(visit_activity, province).total == 0
    again = services.enrol(visit_activity, province, by=province_planner)
    assert again.added == 0
    make_worker("410108")
    assert services.preview(visit_activity, province).total == 1
    services.enrol(visit_activity, province, by=province_planner)
    assert Enrolment.objects.filter(activity=visit_activity).count() == len(registry) + 1


def test_a_run_killed_mid_chunk_resumes_to_exactly_n_rows(
    visit_activity, registry, province_planner
):
    province = _org("410000")
    expected = services.preview(visit_activity, province).total
    run = services.start_run(visit_activity, province, by=province_planner, expected=expected)
    run = services.continue_run(run, by=province_planner, chunk=4, stop_after=2)
    done_before = run.added
    with pytest.raises(Crash), transaction.atomic():
        _run_chunk(run.pk, 4, province_planner)
        raise Crash
    run.refresh_from_db()
    assert run.added == done_before and run.status == EnrolmentRun.Status.RUNNING
    with pytest.raises(RuleViolation):  # one run at a time at a union: resume it
        services.start_run(visit_activity, province, by=province_planner)
    run = services.continue_run(run, by=province_planner, chunk=4)
    assert run.added == expected == Enrolment.objects.filter(activity=visit_activity).count()
    chunks = AuditEvent.objects.filter(action="campaigns.enrolment_chunk", object_id=str(run.pk))
    assert sum(event.changes["count"] for event in chunks) == expected
    assert {event.changes["rule_hash"] for event in chunks} == {
        services.enrolment.describe(visit_activity.rule)[1]
    }
    finished = AuditEvent.objects.get(action="campaigns.enrolment_run", object_id=str(run.pk))
    assert finished.changes["count"] == expected and finished.changes["hash"] == run.ids_hash


def test_the_same_rows_give_the_same_hash_whatever_the_chunks(
    visit_activity, registry, province_planner, campaign
):
    first = services.enrol(visit_activity, _org("410000"), by=province_planner, chunk=3)
    Enrolment.objects.all().delete()
    Roster.objects.all().update(row_count=0)
    EnrolmentRun.objects.all().delete()
    again = services.enrol(visit_activity, _org("410000"), by=province_planner, chunk=3)
    assert again.ids_hash == first.ids_hash


def test_a_list_is_approved_by_another_person_and_then_frozen(
    visit_activity, registry, province_planner, city_caseworker, city_approver
):
    zhengzhou = _org("410100")
    services.enrol(visit_activity, zhengzhou, by=city_caseworker)
    roster = Roster.objects.get(activity=visit_activity, org=zhengzhou)
    assert roster.row_count == 17
    extra = make_worker("410108")
    services.add_by_hand(visit_activity, zhengzhou, extra, by=city_caseworker, reason="走访发现")
    ROSTER_FLOW.take_step(roster, RosterStep.SUBMIT, by=city_caseworker)
    with pytest.raises((RuleViolation, PermissionDenied)):
        ROSTER_FLOW.take_step(roster, RosterStep.APPROVE, by=city_caseworker)
    roster = ROSTER_FLOW.take_step(roster, RosterStep.APPROVE, by=city_approver)
    assert roster.status == RosterStatus.APPROVED and roster.row_count == 18
    row = Enrolment.objects.filter(roster=roster).first()
    with pytest.raises(RuleViolation):
        services.remove_from_list(row, by=city_caseworker, reason="错误")
    # A later registry edit changes nothing approved; a new run starts a supplement list.
    extra.org = _org("410204")
    extra.save()
    assert Enrolment.objects.filter(roster=roster).count() == 18
    make_worker("410108")
    services.enrol(visit_activity, zhengzhou, by=city_caseworker)
    supplement = Roster.objects.get(activity=visit_activity, org=zhengzhou, number=2)
    assert supplement.status == RosterStatus.DRAFT and supplement.row_count == 1


def test_a_returned_list_goes_back_to_being_drawn_up(
    visit_activity, registry, city_caseworker, city_approver
):
    services.enrol(visit_activity, _org("410100"), by=city_caseworker)
    roster = Roster.objects.get(activity=visit_activity)
    ROSTER_FLOW.take_step(roster, RosterStep.SUBMIT, by=city_caseworker)
    with pytest.raises(RuleViolation):  # a reason is required
        ROSTER_FLOW.take_step(roster, RosterStep.RETURN, by=city_approver, note="")
    roster = ROSTER_FLOW.take_step(roster, RosterStep.RETURN, by=city_approver, note="核对人数")
    assert roster.status == RosterStatus.DRAFT
    row = Enrolment.objects.filter(roster=roster).first()
    services.remove_from_list(row, by=city_caseworker, reason="已调离")
    assert Roster.objects.get(pk=roster.pk).row_count == 16
    assert AuditEvent.objects.filter(action="campaigns.enrolment_removed").count() == 1


def test_a_county_cannot_run_the_rule_on_another_county(visit_activity, registry, caseworker):
    with pytest.raises(RuleViolation) as refused:
        services.start_run(visit_activity, _org("410204"), by=caseworker)
    assert refused.value.code == "forbidden"
