"""Every write of the worker registry: registration, province-wide de-duplication, transfers,
reveals, consents, households and members, possible duplicates with merge and unmerge."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index, decrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people import services
from nuanjia.people.models import (
    Consent,
    DuplicateCandidate,
    Household,
    HouseholdMember,
    TransferRequest,
    Worker,
    WorkerNameKey,
)

from .conftest import ZHANG_ID
from .support import id_number, register

pytestmark = pytest.mark.django_db


def all_audit_text() -> str:
    return json.dumps(
        [[event.action, event.object_label, event.changes] for event in AuditEvent.objects.all()],
        ensure_ascii=False,
    )


# ---- Registration -----------------------------------------------------------------------------


def test_registering_derives_gender_and_birth_date_and_stores_the_id_encrypted(zhang):
    zhang.refresh_from_db()
    assert (zhang.gender, zhang.birth_date) == ("male", datetime.date(1985, 6, 15))
    assert (
        ZHANG_ID not in zhang.id_number_encrypted and decrypt(zhang.id_number_encrypted) == ZHANG_ID
    )
    assert zhang.id_number_index == blind_index(ZHANG_ID, purpose=PURPOSE_ID_NUMBER)
    assert zhang.id_number_masked == ZHANG_ID[:4] + "*" * 10 + ZHANG_ID[-4:]
    assert zhang.id_last4 == ZHANG_ID[-4:]
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsan", "zs")
    assert zhang.phone == "13812345678"
    assert (
        zhang.bank_account_masked == "**** **** **** 0123"
        and decrypt(zhang.bank_account_encrypted) == "6222021234567890123"
    )
    assert zhang.employer.name == "郑州惠济区百味餐饮管理有限公司"
    assert [tag.name for tag in zhang.occupations.all()] == ["外卖配送员"]
    assert set(WorkerNameKey.objects.filter(worker=zhang).values_list("key", flat=True)) == {
        "张三",
        "三",
        "san",
        "s",
    }


def test_registration_is_audited_without_the_clear_numbers(zhang):
    event = AuditEvent.objects.get(action="worker.registered", object_id=str(zhang.pk))
    assert event.changes["name"] == "张三" and event.changes["id_recorded"] is True
    text = all_audit_text()
    assert (
        ZHANG_ID not in text
        and "6222021234567890123" not in text
        and zhang.id_number_index not in text
    )


def test_a_legacy_15_digit_number_is_stored_as_its_18_digit_form(caseworker):
    worker = register(caseworker, name="李四", id_number="410108850615124")
    assert (
        decrypt(worker.id_number_encrypted)
        == "41010819850615124" + decrypt(worker.id_number_encrypted)[-1]
    )
    assert worker.gender == "female" and worker.birth_date == datetime.date(1985, 6, 15)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        (
            {"name": "王五", "id_number": ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")},
            "id_number",
        ),
        ({"name": "王五", "id_number": "410108" + "20991231" + "1234"}, "id_number"),
        ({"name": "王五", "phone": "12345"}, "phone"),
        (
            {
                "name": "王五",
                "employer_name": "某公司",
                "employer_credit_code": "91350100M000100Y44",
            },
            "employer_credit_code",
        ),
        ({"name": "王五", "bank_account": "12ab"}, "bank_account"),
        ({"name": "王五", "bank_account": "6222021234567890"}, "bank_name"),
        ({"name": "王五", "region_code": "999999"}, "region_code"),
        ({"name": "王五", "birth_date": "2099-01-01"}, "birth_date"),
        ({"name": "王五", "occupations": ["宇航员"]}, "occupations"),
        ({"name": "王五", "joined_union_on": "2020-01-01"}, "union"),
    ],
)
def test_bad_input_is_refused_naming_the_field_in_chinese(caseworker, values, field):
    with pytest.raises(RuleViolation) as refused:
        register(caseworker, **values)
    assert refused.value.field == field
    assert any("\u4e00" <= char <= "\u9fff" for char in refused.value.message)
    assert not Worker.objects.exists()


def test_a_record_without_an_id_takes_the_typed_gender_and_birth_date(caseworker):
    worker = register(caseworker, name="赵六", gender="female", birth_date="1990-02-03")
    assert (worker.gender, worker.birth_date, worker.has_id_number) == (
        "female",
        datetime.date(1990, 2, 3),
        False,
    )


def test_the_id_number_wins_over_a_typed_birth_date(caseworker):
    worker = register(
        caseworker,
        name="赵六",
        id_number=ZHANG_ID,
        birth_date="1990-02-03",
        gender="female",
    )
    assert (worker.gender, worker.birth_date) == ("male", datetime.date(1985, 6, 15))


def test_only_caseworkers_of_the_org_register(caseworker, reviewer, outsider, leader):
    for actor in (reviewer, leader):
        with pytest.raises(PermissionDenied):
            services.register_worker(org=caseworker.org, by=actor, name="张三")
    with pytest.raises(PermissionDenied):
        services.register_worker(org=caseworker.org, by=outsider, name="张三")


def test_membership_needs_a_grassroots_union_of_the_area(caseworker, outsider):
    own = create_grassroots_union(
        parent=caseworker.org, name="惠济区某公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    other = create_grassroots_union(
        parent=outsider.org, name="鼓楼区某公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    worker = register(
        caseworker,
        name="孙七",
        union=own,
        joined_union_on="2020-05-01",
        member_card_number="HN0001",
    )
    assert worker.union == own
    for union in (other, caseworker.org):
        with pytest.raises(RuleViolation) as refused:
            register(caseworker, name="孙八", union=union)
        assert refused.value.field == "union"


def test_employers_are_found_again_by_credit_code(caseworker):
    code = "91410100MA44A0X97L"
    from nuanjia.core.codes import credit_code_check_char

    code = code[:17] + credit_code_check_char(code[:17])
    first = register(
        caseworker,
        name="甲",
        employer_name="某物流公司",
        employer_credit_code=code,
    )
    second = register(
        caseworker,
        name="乙",
        employer_name="另一个名字",
        employer_credit_code=code.lower(),
    )
    assert first.employer_id == second.employer_id


# ---- Province-wide de-duplication -------------------------------------------------------------


def test_an_id_registered_in_zhengzhou_is_refused_in_kaifeng_and_shown_masked(zhang, outsider):
    with pytest.raises(services.DuplicateWorker) as refused:
        register(outsider, name="张三", id_number=ZHANG_ID.lower())
    error = refused.value
    assert error.field == "id_number" and error.code == "duplicate_worker"
    assert error.summary.as_dict() == {
        "name": "张*",
        "id_number": zhang.id_number_masked,
        "org": zhang.org.name,
        "is_in_your_area": False,
    }
    assert ZHANG_ID not in error.message and "张三" not in error.message
    assert "申请" in error.message  # offered as a transfer
    assert Worker.objects.count() == 1


def test_an_id_already_in_the_users_area_is_refused_as_such(zhang, caseworker):
    with pytest.raises(services.DuplicateWorker) as refused:
        register(caseworker, name="张三", id_number=ZHANG_ID)
    assert refused.value.summary.is_in_your_area


def test_changing_a_worker_to_an_id_kept_elsewhere_is_refused(zhang, outsider):
    other = register(outsider, name="张三")
    with pytest.raises(services.DuplicateWorker):
        services.update_worker(other, by=outsider, id_number=ZHANG_ID)
    other.refresh_from_db()
    assert not other.has_id_number


# ---- Transfers --------------------------------------------------------------------------------


def test_a_transfer_moves_the_worker_and_household_when_the_owning_union_accepts(
    zhang, caseworker, outsider
):
    household = services.create_household(zhang, by=caseworker)
    transfer = services.request_transfer(zhang, by=outsider, reason="现居开封")
    assert (transfer.from_org, transfer.to_org, transfer.status) == (
        caseworker.org,
        outsider.org,
        TransferRequest.Status.PENDING,
    )
    with pytest.raises(PermissionDenied):
        services.accept_transfer(transfer, by=outsider)  # only the owning union decides
    services.accept_transfer(transfer, by=caseworker, note="同意")
    zhang.refresh_from_db()
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert zhang.org == outsider.org and household.org == outsider.org
    assert (transfer.status, transfer.decided_by, transfer.decision_note) == (
        TransferRequest.Status.ACCEPTED,
        caseworker,
        "同意",
    )
    assert AuditEvent.objects.filter(action="worker.transferred", object_id=str(zhang.pk)).exists()
    with pytest.raises(RuleViolation):
        services.decline_transfer(transfer, by=caseworker)


def test_a_declined_transfer_leaves_the_record(zhang, caseworker, reviewer, outsider):
    transfer = services.decline_transfer(
        services.request_transfer(zhang, by=outsider, reason="现居开封"),
        by=reviewer,
        note="仍在郑州工作",
    )
    zhang.refresh_from_db()
    assert zhang.org == caseworker.org and transfer.status == TransferRequest.Status.DECLINED


def test_transfer_requests_are_refused_when_pointless_or_repeated(zhang, caseworker, outsider):
    with pytest.raises(RuleViolation) as refused:
        services.request_transfer(zhang, by=caseworker, reason="x")
    assert refused.value.field == "worker"  # already in the requester's area
    with pytest.raises(RuleViolation) as refused:
        services.request_transfer(zhang, by=outsider, reason="  ")
    assert refused.value.field == "reason"
    services.request_transfer(zhang, by=outsider, reason="现居开封")
    with pytest.raises(RuleViolation):
        services.request_transfer(zhang, by=outsider, reason="再次申请")


def test_leaders_neither_request_nor_decide_transfers(zhang, outsider, leader, make_staff):
    kaifeng_leader = make_staff("410200", Role.LEADER)
    with pytest.raises(PermissionDenied):
        services.request_transfer(zhang, by=kaifeng_leader, reason="x")
    transfer = services.request_transfer(zhang, by=outsider, reason="现居开封")
    with pytest.raises(PermissionDenied):
        services.accept_transfer(transfer, by=leader)


# ---- Reveal -----------------------------------------------------------------------------------


def test_revealing_the_id_needs_a_reason_and_writes_an_audit_event(zhang, caseworker):
    with pytest.raises(RuleViolation) as refused:
        services.reveal_id_number(zhang, reason=" ", by=caseworker)
    assert refused.value.field == "reason"
    assert services.reveal_id_number(zhang, reason="核对银行代发信息", by=caseworker) == ZHANG_ID
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert (event.actor, event.object_id, event.changes) == (
        caseworker,
        str(zhang.pk),
        {"field": "id_number", "reason": "核对银行代发信息"},
    )
    assert (
        services.reveal_bank_account(zhang, reason="代发工资核对", by=caseworker)
        == "6222021234567890123"
    )
    assert ZHANG_ID not in all_audit_text()


def test_only_the_permission_in_scope_reveals(
    zhang, outsider, leader, hotline_agent, approver, reviewer
):
    for actor in (outsider, leader, hotline_agent):
        with pytest.raises(PermissionDenied):
            services.reveal_id_number(zhang, reason="想看看", by=actor)
    assert services.reveal_id_number(zhang, reason="审批核对", by=approver) == ZHANG_ID
    assert services.reveal_id_number(zhang, reason="审核核对", by=reviewer) == ZHANG_ID
    assert AuditEvent.objects.filter(action="personal_data.revealed").count() == 2


def test_revealing_a_number_never_recorded_is_refused(caseworker):
    worker = register(caseworker, name="无证")
    with pytest.raises(RuleViolation):
        services.reveal_id_number(worker, reason="核对", by=caseworker)


# ---- Updates and consents ---------------------------------------------------------------------


def test_updating_keeps_blank_numbers_and_audits_only_what_changed(zhang, caseworker):
    services.update_worker(
        zhang, by=caseworker, name="张叁", phone="13912345678", id_number="", bank_account=""
    )
    zhang.refresh_from_db()
    assert (zhang.name, zhang.name_pinyin, zhang.phone, zhang.id_last4) == (
        "张叁",
        "zhangsan",
        "13912345678",
        ZHANG_ID[-4:],
    )
    assert decrypt(zhang.bank_account_encrypted) == "6222021234567890123"
    event = AuditEvent.objects.get(action="worker.updated")
    assert event.changes == {"name": ["张三", "张叁"], "phone": ["138****5678", "139****5678"]}
    assert set(WorkerNameKey.objects.filter(worker=zhang).values_list("key", flat=True)) == {
        "张叁",
        "叁",
        "san",
        "s",
    }


def test_a_changed_id_is_audited_redacted(zhang, caseworker):
    new_id = id_number("410108", datetime.date(1986, 1, 2), 35)
    services.update_worker(zhang, by=caseworker, id_number=new_id)
    zhang.refresh_from_db()
    assert zhang.birth_date == datetime.date(1986, 1, 2)
    event = AuditEvent.objects.get(action="worker.updated")
    assert event.changes["id_number"] == "***"
    assert new_id not in all_audit_text()


def test_consents_are_recorded_and_withdrawn_with_their_history(zhang, caseworker):
    consent = services.record_consent(
        zhang,
        scope=Consent.Scope.ID_AND_BANK,
        given_on="2026-01-05",
        evidence="表-001",
        by=caseworker,
    )
    assert services.has_consent(zhang, Consent.Scope.ID_AND_BANK)
    services.withdraw_consent(consent, by=caseworker)
    assert not services.has_consent(zhang, Consent.Scope.ID_AND_BANK)
    with pytest.raises(RuleViolation):
        services.withdraw_consent(consent, by=caseworker)
    assert list(
        AuditEvent.objects.filter(object_id=str(zhang.pk), action__startswith="consent.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["consent.recorded", "consent.withdrawn"]


def test_a_consent_needs_a_scope_and_a_date_not_in_the_future(zhang, caseworker):
    with pytest.raises(RuleViolation) as refused:
        services.record_consent(zhang, scope="everything", given_on="2026-01-05", by=caseworker)
    assert refused.value.field == "scope"
    with pytest.raises(RuleViolation) as refused:
        services.record_consent(
            zhang, scope=Consent.Scope.HEALTH, given_on="2999-01-01", by=caseworker
        )
    assert refused.value.field == "given_on"


# ---- Households -------------------------------------------------------------------------------


def test_a_household_starts_with_the_worker_as_its_first_member(zhang, caseworker):
    household = services.create_household(
        zhang, by=caseworker, homes_count=1, homes_area_m2="60.5", on_dibao=True
    )
    member = household.members.get()
    assert (member.relation, member.name, member.birth_date, member.gender) == (
        HouseholdMember.Relation.SELF,
        "张三",
        zhang.birth_date,
        "male",
    )
    assert member.id_number_index == zhang.id_number_index
    assert (
        household.org,
        household.region_code,
        str(household.homes_area_m2),
        household.on_dibao,
    ) == (zhang.org, "410108", "60.50", True)
    with pytest.raises(RuleViolation):
        services.create_household(zhang, by=caseworker)


def test_members_are_added_changed_and_removed_with_audit_events(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    wife = services.add_member(
        household,
        by=caseworker,
        relation="spouse",
        name="李梅",
        id_number=id_number("410108", datetime.date(1987, 3, 4), 22),
        wage_income_fen=2_400_000,
        is_employed=True,
    )
    assert (wife.gender, wife.birth_date) == ("female", datetime.date(1987, 3, 4))
    services.update_member(
        wife, by=caseworker, is_employed=False, wage_income_fen=0, transfer_income_fen=120_000
    )
    wife.refresh_from_db()
    assert (wife.is_employed, wife.transfer_income_fen) == (False, 120_000)
    services.remove_member(wife, by=caseworker)
    assert household.members.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="people.household")
        .values_list("action", flat=True)
        .order_by("id")
    )
    assert actions == [
        "household.created",
        "household.member_added",
        "household.member_changed",
        "household.member_removed",
    ]
    assert id_number("410108", datetime.date(1987, 3, 4), 22) not in all_audit_text()


def test_the_worker_cannot_be_removed_or_renamed_as_a_member(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    self_row = household.members.get()
    with pytest.raises(RuleViolation):
        services.remove_member(self_row, by=caseworker)
    with pytest.raises(RuleViolation):
        services.update_member(self_row, by=caseworker, name="别人")
    with pytest.raises(RuleViolation):
        services.add_member(household, by=caseworker, relation="self", name="张三")
    services.update_member(self_row, by=caseworker, wage_income_fen=3_600_000)  # incomes are fine


def test_a_childs_id_number_needs_the_guardians_consent(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    child_id = id_number("410108", datetime.date(2018, 9, 1), 41)
    with pytest.raises(RuleViolation) as refused:
        services.add_member(
            household,
            by=caseworker,
            relation="child",
            name="张小",
            id_number=child_id,
            school_stage="primary",
        )
    assert refused.value.field == "id_number"
    services.add_member(
        household,
        by=caseworker,
        relation="child",
        name="张小",
        birth_date="2018-09-01",
        school_stage="primary",
    )  # without the number: fine
    services.record_consent(zhang, scope=Consent.Scope.CHILD, given_on="2026-01-05", by=caseworker)
    services.add_member(
        household,
        by=caseworker,
        relation="child",
        name="张小二",
        id_number=child_id,
        school_stage="primary",
    )


def test_one_id_number_appears_once_in_a_household(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.add_member(
            household, by=caseworker, relation="other", name="张三", id_number=ZHANG_ID
        )
    assert refused.value.field == "id_number"


def test_member_amounts_must_be_whole_fen_not_negative(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.add_member(
            household, by=caseworker, relation="parent", name="张父", wage_income_fen=-1
        )
    assert refused.value.field == "wage_income_fen"


def test_renaming_the_worker_renames_the_household_member(zhang, caseworker):
    household = services.create_household(zhang, by=caseworker)
    services.update_worker(zhang, by=caseworker, name="张叁")
    assert household.members.get().name == "张叁"


# ---- Possible duplicates ----------------------------------------------------------------------


@pytest.fixture
def pair(caseworker):
    """Two records of 王芳 born on the same day; the second has no ID number."""
    first = register(
        caseworker,
        name="王芳",
        id_number=id_number("410108", datetime.date(1975, 8, 9), 62),
        address="惠济区天河路8号",
    )
    second = register(
        caseworker,
        name="王芳",
        birth_date="1975-08-09",
        phone="13700001111",
        address="惠济区天河路8号",
    )
    services.record_consent(
        second, scope=Consent.Scope.HEALTH, given_on="2026-01-05", by=caseworker
    )
    return first, second


def test_a_similar_record_is_queued_for_review(pair):
    first, second = pair
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.worker, candidate.other, candidate.status) == (
        first,
        second,
        DuplicateCandidate.Status.OPEN,
    )
    assert candidate.score == Decimal("0.800")  # name 0.35 + birth date 0.30 + address 0.15
    assert (
        candidate.reasons["name"]["match"] == "same"
        and candidate.reasons["birth_date"]["match"] == "same"
    )


def test_unrelated_records_are_not_queued(caseworker):
    register(caseworker, name="王芳", birth_date="1975-08-09")
    register(caseworker, name="刘强", birth_date="1975-08-09")
    register(caseworker, name="王芳", birth_date="1990-01-01")
    assert not DuplicateCandidate.objects.exists()


def test_a_pair_kept_apart_is_not_queued_again(pair, caseworker, reviewer):
    _first, second = pair
    candidate = services.keep_apart(DuplicateCandidate.objects.get(), by=reviewer, note="双胞胎")
    assert candidate.status == DuplicateCandidate.Status.DISTINCT
    services.update_worker(second, by=caseworker, address="惠济区天河路8号院")
    assert (
        DuplicateCandidate.objects.count() == 1
        and DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.DISTINCT
    )
    with pytest.raises(RuleViolation):
        services.keep_apart(candidate, by=reviewer)


def test_only_reviewers_with_both_records_in_scope_decide(pair, caseworker, outsider, make_staff):
    candidate = DuplicateCandidate.objects.get()
    kaifeng_reviewer = make_staff("410204", Role.REVIEWER)
    for actor in (caseworker, kaifeng_reviewer):
        with pytest.raises(PermissionDenied):
            services.keep_apart(candidate, by=actor)


def test_merge_moves_what_only_the_merged_record_has_and_unmerge_restores_both(
    pair, caseworker, reviewer
):
    first, second = pair
    household = services.create_household(second, by=caseworker)
    services.update_worker(second, by=caseworker, occupations=["环卫工人"])
    candidate = DuplicateCandidate.objects.get()
    before_first = Worker.objects.values().get(pk=first.pk)
    before_second = Worker.objects.values().get(pk=second.pk)

    services.merge_duplicates(candidate, keep=first, by=reviewer, note="同一人")
    first.refresh_from_db()
    second.refresh_from_db()
    household.refresh_from_db()
    assert second.merged_into == first
    assert first.phone == "13700001111"  # filled from the merged record
    assert household.worker == first and Consent.objects.get().worker == first
    assert [tag.name for tag in first.occupations.all()] == ["环卫工人"]
    assert household.members.get(relation="self").id_number_index == first.id_number_index
    event = AuditEvent.objects.get(action="duplicate.merged")
    assert event.changes["kept"] == first.pk and event.changes["merged"] == second.pk

    services.unmerge(candidate, by=reviewer)
    candidate.refresh_from_db()
    household.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.UNMERGED
    ignore = {"updated_at"}
    after_first = {
        key: value
        for key, value in Worker.objects.values().get(pk=first.pk).items()
        if key not in ignore
    }
    after_second = {
        key: value
        for key, value in Worker.objects.values().get(pk=second.pk).items()
        if key not in ignore
    }
    assert after_first == {key: value for key, value in before_first.items() if key not in ignore}
    assert after_second == {key: value for key, value in before_second.items() if key not in ignore}
    assert household.worker == second and Consent.objects.get().worker == second
    assert not first.occupations.exists()
    assert AuditEvent.objects.filter(action="duplicate.unmerged").exists()


def test_merging_into_the_record_without_an_id_moves_the_id_and_back(pair, reviewer):
    first, second = pair
    candidate = DuplicateCandidate.objects.get()
    index = first.id_number_index
    services.merge_duplicates(candidate, keep=second, by=reviewer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.id_number_index, first.id_number_index, first.merged_into) == (index, "", second)
    assert (
        second.birth_date == datetime.date(1975, 8, 9) and second.gender == "female"
    )  # from the ID
    services.unmerge(candidate, by=reviewer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.id_number_index, second.id_number_index, first.merged_into) == (index, "", None)
    assert second.gender == ""


def test_an_edit_after_the_merge_survives_the_unmerge(pair, caseworker, reviewer):
    first, _second = pair
    candidate = DuplicateCandidate.objects.get()
    services.merge_duplicates(candidate, keep=first, by=reviewer)
    services.update_worker(first, by=caseworker, phone="13600002222")
    services.unmerge(candidate, by=reviewer)
    first.refresh_from_db()
    assert first.phone == "13600002222"
    assert AuditEvent.objects.get(action="duplicate.unmerged").changes["kept_edits"] == ["phone"]


def test_merge_refuses_two_households_and_a_stranger_to_keep(pair, caseworker, reviewer, zhang):
    first, second = pair
    candidate = DuplicateCandidate.objects.get()
    with pytest.raises(RuleViolation):
        services.merge_duplicates(candidate, keep=zhang, by=reviewer)
    services.create_household(first, by=caseworker)
    services.create_household(second, by=caseworker)
    with pytest.raises(RuleViolation):
        services.merge_duplicates(candidate, keep=first, by=reviewer)
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.OPEN


def test_a_merged_record_leaves_the_lists_and_its_id_still_finds_the_kept_one(
    pair, caseworker, reviewer, outsider
):
    first, second = pair
    services.merge_duplicates(DuplicateCandidate.objects.get(), keep=second, by=reviewer)
    with pytest.raises(services.DuplicateWorker) as refused:
        register(
            outsider,
            name="王芳",
            id_number=id_number("410108", datetime.date(1975, 8, 9), 62),
        )
    assert refused.value.existing == second
    with pytest.raises(RuleViolation):
        services.update_worker(first, by=caseworker, name="x")


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0))
def test_the_household_income_of_a_recorded_family(zhang, caseworker):
    from nuanjia.people import queries
    from nuanjia.standards.models import MinimumWage

    MinimumWage.objects.all().delete()  # the demo standards; this test sets its own
    household = services.create_household(zhang, by=caseworker)
    services.update_member(household.members.get(), by=caseworker, is_employed=False)
    services.add_member(
        household,
        by=caseworker,
        relation="child",
        name="张小",
        birth_date="2016-01-01",
        school_stage="primary",
    )
    figure, found = queries.household_income(household)
    assert not found and figure.per_capita_monthly_fen == 0
    MinimumWage.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=210_000
    )
    figure, found = queries.household_income(household)
    assert found and figure.per_capita_monthly_fen == 105_000 and figure.members[1].is_child


def test_household_of_another_county_is_out_of_reach(zhang, outsider):
    household = services.create_household(zhang, by=zhang.created_by)
    with pytest.raises(PermissionDenied):
        services.update_household(household, by=outsider, owns_car=True)
    assert not Household.objects.get().owns_car
