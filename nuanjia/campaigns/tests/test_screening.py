"""Screening drives (排查) in 漯河 and 许昌: volunteers and caseworkers record migrant and
new-form workers hit by the epidemic, and each finding ends as a hardship application, a
one-off grant, or "no help needed", with who decided and when."""

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.campaigns.models import Finding, FindingEvent
from nuanjia.campaigns.rules import FindingDegree, FindingStatus, FindingStep
from nuanjia.campaigns.services import record_finding
from nuanjia.campaigns.workflow import FINDING_FLOW
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.hardship.queries import visible_files
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.people.tests.support import id_number
from nuanjia.relief.models import Grant, GrantType
from nuanjia.relief.rules import Status as GrantStatus

from .screening_support import (
    LUOHE,
    WEIDU,
    XUCHANG,
    YUANHUI,
    found,
    open_campaign,
    registered_worker,
    screening_drive,
)

YUAN = 100
pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def planner(make_staff):
    return make_staff("410000", Role.CASEWORKER, username="sz_planner")


@pytest.fixture
def luohe_caseworker(make_staff):
    return make_staff(YUANHUI, Role.CASEWORKER, username="lh_caseworker")


@pytest.fixture
def xuchang_caseworker(make_staff):
    return make_staff(WEIDU, Role.CASEWORKER, username="xc_caseworker")


@pytest.fixture
def campaign(planner):
    return open_campaign(planner)


@pytest.fixture
def luohe_drive(campaign, planner):
    return screening_drive(campaign, LUOHE, planner)


@pytest.fixture
def xuchang_drive(campaign, planner):
    return screening_drive(campaign, XUCHANG, planner)


@pytest.fixture
def courier(luohe_caseworker):
    """A courier 漯河's registry keeps."""
    return registered_worker(luohe_caseworker, "赵强", region=YUANHUI, sequence=11)


def test_a_worker_of_the_registry_is_recorded_with_the_volunteer_and_history(
    luohe_drive, luohe_caseworker, courier
):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    assert finding.status == FindingStatus.FOUND
    assert finding.worker == courier and not finding.registered_here
    assert finding.found_by_name == "志愿者 王芳" and finding.found_by == luohe_caseworker
    event = FindingEvent.objects.get(finding=finding)
    assert (event.action, event.to_status, event.by) == ("found", "found", luohe_caseworker)
    assert event.changes["degree"] == FindingDegree.SERIOUS
    assert AuditEvent.objects.filter(action="campaigns.finding.found").count() == 1


def test_a_new_person_is_registered_on_the_spot(luohe_drive, luohe_caseworker):
    finding = found(
        luohe_drive,
        luohe_caseworker,
        new_person={
            "name": "孙丽",
            "id_number": id_number(YUANHUI, sequence=22),
            "phone": "13903950022",
        },
        degree=FindingDegree.SEVERE,
    )
    assert finding.registered_here
    worker = Worker.objects.get(pk=finding.worker_id)
    assert worker.name == "孙丽" and worker.org.code == YUANHUI
    assert FindingEvent.objects.get(finding=finding).changes["registered_here"] is True
    assert AuditEvent.objects.filter(action="worker.registered", object_id=str(worker.pk)).exists()


def test_a_person_the_province_already_keeps_is_linked_not_registered_twice(
    luohe_drive, luohe_caseworker, xuchang_caseworker
):
    """A 许昌 worker found working in 漯河: typed in as a new person, found by the ID number."""
    kept = registered_worker(xuchang_caseworker, "钱军", region=WEIDU, sequence=33)
    before = Worker.objects.count()
    finding = found(
        luohe_drive,
        luohe_caseworker,
        new_person={"name": "钱军", "id_number": id_number(WEIDU, sequence=33)},
    )
    assert Worker.objects.count() == before
    assert finding.worker == kept and not finding.registered_here
    assert FindingEvent.objects.get(finding=finding).changes["found_in_registry"] == kept.org.name


def test_opening_an_application_opens_the_family_hardship_file(
    luohe_drive, luohe_caseworker, courier
):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    finding = FINDING_FLOW.take_step(
        finding, FindingStep.OPEN_APPLICATION, by=luohe_caseworker, note="家访后建档"
    )
    assert finding.status == FindingStatus.APPLIED
    hardship_file = finding.hardship_file
    assert hardship_file in visible_files(luohe_caseworker)
    assert hardship_file.status == FileStatus.APPLIED and hardship_file.is_union_initiated
    assert "外卖骑手" in hardship_file.application_note
    assert finding.decided_by == luohe_caseworker and finding.decided_at is not None
    assert FindingEvent.objects.filter(finding=finding, action="open_application").exists()


def test_a_family_that_already_has_a_live_file_is_refused_naming_it(
    luohe_drive, luohe_caseworker, courier
):
    first = found(luohe_drive, luohe_caseworker, worker=courier)
    first = FINDING_FLOW.take_step(first, FindingStep.OPEN_APPLICATION, by=luohe_caseworker)
    second = found(luohe_drive, luohe_caseworker, worker=courier)
    with pytest.raises(RuleViolation) as refusal:
        FINDING_FLOW.take_step(second, FindingStep.OPEN_APPLICATION, by=luohe_caseworker)
    assert first.hardship_file.number in refusal.value.message
    second.refresh_from_db()
    assert second.status == FindingStatus.FOUND and second.hardship_file is None


def test_a_one_off_grant_is_proposed_through_relief_with_its_cap_check(
    luohe_drive, luohe_caseworker, courier
):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    finding = FINDING_FLOW.take_step(
        finding,
        FindingStep.PROPOSE_GRANT,
        by=luohe_caseworker,
        grant_type=GrantType.objects.get(code="epidemic"),
        amount_fen=2_000 * YUAN,
        reason="疫情停工，一次性救助",
    )
    assert finding.status == FindingStatus.GRANTED
    grant = Grant.objects.get(pk=finding.grant_id)
    assert grant.status == GrantStatus.PROPOSED and grant.amount_fen == 2_000 * YUAN
    assert grant.org == finding.org and grant.worker == courier
    assert grant.cap_check and all(line["ok"] for line in grant.cap_check)
    assert finding.decided_by == luohe_caseworker and finding.decision_note == grant.reason


def test_a_grant_above_the_cap_is_refused_by_relief(luohe_drive, luohe_caseworker, courier):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    with pytest.raises(RuleViolation) as refusal:
        FINDING_FLOW.take_step(
            finding,
            FindingStep.PROPOSE_GRANT,
            by=luohe_caseworker,
            grant_type=GrantType.objects.get(code="epidemic"),
            amount_fen=3_001 * YUAN,
            reason="疫情停工",
        )
    assert "3,000" in refusal.value.message or "3000" in refusal.value.message
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FOUND and not Grant.objects.exists()


def test_no_help_needs_a_reason_and_records_it(luohe_drive, luohe_caseworker, courier):
    finding = found(luohe_drive, luohe_caseworker, worker=courier, degree=FindingDegree.MILD)
    with pytest.raises(RuleViolation) as refusal:
        FINDING_FLOW.take_step(finding, FindingStep.NO_HELP, by=luohe_caseworker, note="")
    assert refusal.value.field == "note"
    finding = FINDING_FLOW.take_step(
        finding, FindingStep.NO_HELP, by=luohe_caseworker, note="已复工，收入恢复"
    )
    assert finding.status == FindingStatus.NO_HELP
    assert finding.decision_note == "已复工，收入恢复" and finding.decided_at is not None


def test_a_decided_finding_cannot_be_decided_again(luohe_drive, luohe_caseworker, courier):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    FINDING_FLOW.take_step(finding, FindingStep.NO_HELP, by=luohe_caseworker, note="已复工")
    with pytest.raises(RuleViolation) as refusal:
        FINDING_FLOW.take_step(finding, FindingStep.OPEN_APPLICATION, by=luohe_caseworker)
    assert refusal.value.code == "invalid_transition"
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.NO_HELP


def test_only_a_caseworker_of_the_area_decides_and_refusals_are_audited(
    luohe_drive, luohe_caseworker, courier, make_staff, outsider
):
    finding = found(luohe_drive, luohe_caseworker, worker=courier)
    approver = make_staff(YUANHUI, Role.APPROVER)
    for user in (approver, outsider):
        with pytest.raises(PermissionDenied):
            FINDING_FLOW.take_step(finding, FindingStep.NO_HELP, by=user, note="无需")
        assert AuditEvent.objects.filter(
            action="access.denied", actor=user, changes__permission="campaigns.finding.no_help"
        ).exists()
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.FOUND


def test_only_a_caseworker_of_the_union_or_above_records(
    luohe_drive, luohe_caseworker, courier, make_staff, outsider
):
    approver = make_staff(YUANHUI, Role.APPROVER)
    for user in (approver, outsider):
        with pytest.raises(RuleViolation) as refusal:
            record_finding(
                luohe_drive,
                luohe_caseworker.org,
                worker=courier,
                degree=FindingDegree.MILD,
                circumstances="停工",
                found_on="2026-02-20",
                by=user,
            )
        assert refusal.value.code == "forbidden"
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"degree": ""}, "degree"),
        ({"degree": "awful"}, "degree"),
        ({"circumstances": "停工\u202e三个月"}, "circumstances"),
        ({"circumstances": "  "}, "circumstances"),
        ({"found_on": "2026-13-01"}, "found_on"),
        ({"found_on": "2026-03-05"}, "found_on"),  # in the future
        ({"found_by_name": "王\x07芳"}, "found_by_name"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    luohe_drive, luohe_caseworker, courier, values, field
):
    arguments = {
        "worker": courier,
        "degree": FindingDegree.MILD,
        "circumstances": "停工",
        "found_on": "2026-02-20",
        **values,
    }
    with pytest.raises(RuleViolation) as refusal:
        record_finding(luohe_drive, luohe_caseworker.org, by=luohe_caseworker, **arguments)
    assert refusal.value.field == field and refusal.value.message
    assert not Finding.objects.exists()


def test_control_characters_are_refused_in_chinese(luohe_drive, luohe_caseworker, courier):
    with pytest.raises(RuleViolation) as refusal:
        found(luohe_drive, luohe_caseworker, worker=courier, circumstances="停工\u202e")
    assert "控制字符" in refusal.value.message and refusal.value.field == "circumstances"


def test_nothing_is_recorded_in_a_campaign_not_under_way_or_outside_the_drive(
    luohe_drive, xuchang_drive, luohe_caseworker, courier, planner
):
    with pytest.raises(RuleViolation) as refusal:
        found(xuchang_drive, luohe_caseworker, worker=courier)  # 源汇区 is not below 许昌
    assert refusal.value.field == "org"
    from nuanjia.campaigns.services import set_campaign_status

    set_campaign_status(luohe_drive.campaign, "closed", by=planner)
    luohe_drive.campaign.refresh_from_db()
    with pytest.raises(RuleViolation) as refusal:
        found(luohe_drive, luohe_caseworker, worker=courier)
    assert refusal.value.code == "campaign_not_open"


def test_a_worker_outside_the_area_cannot_be_picked(
    luohe_drive, luohe_caseworker, xuchang_caseworker
):
    elsewhere = registered_worker(xuchang_caseworker, "周梅", region=WEIDU, sequence=44)
    with pytest.raises(RuleViolation) as refusal:
        found(luohe_drive, luohe_caseworker, worker=elsewhere)
    assert refusal.value.field == "worker"
