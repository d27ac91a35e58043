"""Random sequences of steps, by random people, never leave a file in an invalid state; every
accepted step writes exactly one FileEvent and one audit event, every refused one nothing."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.hardship import rules, services
from nuanjia.hardship.models import FileEvent, HardshipFile, Objection
from nuanjia.hardship.rules import Category, ExitReason, ReviewReason, Status
from nuanjia.hardship.workflow import FLOW
from nuanjia.orgs.rules import Role
from nuanjia.people.models import HouseholdMember

from .conftest import build_household

pytestmark = pytest.mark.django_db

ACTORS = [
    "caseworker",
    "caseworker2",
    "reviewer",
    "reviewer2",
    "approver",
    "everything",
    "outsider",
]
NOTES = st.sampled_from(["核实情况属实", "核实情况属实", "核实情况属实", ""])  # mostly valid input
ALL_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER, Role.APPROVER})
FINAL_STEPS = frozenset({"reject", "withdraw"})
STEP_NAMES = [
    "check", "visit", "review", "publish", "approve", "file", "start_review", "change", "complete_review",
    "exit", "end_gradual_exit", "re_enter", "send_back", "reject", "withdraw", "objection", "resolve",
    "propose_exit", "reopen_review",
]  # fmt: skip


def _steps(machine):
    """Each step as (name, call(actor, data)); `data` draws the step's own inputs."""
    f = machine.file

    def visit(by, data):
        consent = data.draw(
            st.sampled_from([machine.today(), machine.today(), machine.today(), None])
        )
        return services.record_visit(
            f(),
            by=by,
            consent_signed_on=consent,
            consent_evidence=data.draw(st.sampled_from(["授权书-1", "授权书-1", "授权书-1", ""])),
        )

    def review(by, data):
        category = data.draw(st.sampled_from([None, None, None, Category.DEEP, Category.RELATIVE]))
        return services.review_file(
            f(),
            by=by,
            civil_affairs_note=data.draw(NOTES),
            category=category,
            note=data.draw(NOTES),
        )

    def exit_(by, data):
        months = data.draw(st.sampled_from([None, 0, 1, 3, 6, 7]))
        share = data.draw(st.sampled_from([0, 30, 60, 61]))
        amount = f().monthly_standard_fen * share // 100 if months else None
        reason = data.draw(st.sampled_from([ExitReason.INCOME, ExitReason.MOVED]))
        return services.exit_file(
            f(),
            by=by,
            reason=reason,
            gradual_exit_months=months,
            gradual_exit_monthly_fen=amount,
            pending_change=data.draw(st.sampled_from(["apply", "withdraw"])),
        )

    def change(by, data):
        member = HouseholdMember.objects.filter(household=f().household).first()
        wage = data.draw(st.sampled_from([0, 1_200_000, 2_400_000, 9_000_000]))
        return services.propose_change(
            f(), {"members": {str(member.pk): {"wage_income_fen": wage}}}, by=by
        )

    def objection(by, data):
        return services.record_objection(f(), by=by, content="有异议")

    def resolve(by, data):
        open_one = Objection.objects.filter(file=f(), status=Objection.Status.OPEN).first()
        if open_one is None:
            raise RuleViolation("no open objection")
        return services.resolve_objection(
            open_one, by=by, is_upheld=data.draw(st.booleans()), resolution="已核实"
        )

    return {
        "check": lambda by, data: services.check_file(f(), by=by, note=data.draw(NOTES)),
        "visit": visit,
        "review": review,
        "publish": lambda by, data: services.start_publicity(f(), by=by),
        "approve": lambda by, data: services.approve_file(f(), by=by),
        "file": lambda by, data: services.complete_filing(f(), by=by),
        "start_review": lambda by, data: services.start_review(
            f(), by=by, reason=ReviewReason.ANNUAL
        ),
        "change": change,
        "complete_review": lambda by, data: services.complete_review(f(), by=by),
        "exit": exit_,
        "end_gradual_exit": lambda by, data: services.end_gradual_exit(f(), by=by),
        "re_enter": lambda by, data: services.re_enter_file(f(), by=by, note=data.draw(NOTES)),
        "send_back": lambda by, data: services.send_back_file(f(), by=by, note=data.draw(NOTES)),
        "reject": lambda by, data: services.reject_file(f(), by=by, note=data.draw(NOTES)),
        "withdraw": lambda by, data: services.withdraw_file(f(), by=by, note=data.draw(NOTES)),
        "objection": objection,
        "resolve": resolve,
        "propose_exit": lambda by, data: services.propose_exit(
            f(), by=by, exit_reason=ExitReason.INCOME, note=data.draw(NOTES)
        ),
        "reopen_review": lambda by, data: services.reopen_review(f(), by=by, note=data.draw(NOTES)),
    }


class FileMachine(RuleBasedStateMachine):
    """One household's file, pushed around by everyone; set up by the test below."""

    people: dict = {}
    clock = None

    def __init__(self):
        super().__init__()
        household = build_household(monthly_per_capita_yuan=500)
        self.pk = services.open_file(
            household, by=self.people["caseworker"], note="收入微薄，申请建档"
        ).pk
        self.accepted = 1

    def file(self) -> HardshipFile:
        return HardshipFile.objects.select_related("household").get(pk=self.pk)

    def audits(self) -> int:
        """Audit events about this file (consents and household changes are audited on their own rows)."""
        return AuditEvent.objects.filter(
            object_type="hardship.hardshipfile", object_id=str(self.pk)
        ).count()

    def today(self):
        from django.utils import timezone

        return timezone.localdate()

    @rule(step=st.sampled_from(STEP_NAMES), actor=st.sampled_from(ACTORS), data=st.data())
    def anything(self, step, actor, data):
        """Any step by anyone: mostly refused, and then nothing may change."""
        self.take(step, actor, data)

    @rule(data=st.data())
    def progress(self, data):
        """A step the status allows, by someone holding its role (maker-checker still bites):
        this is what carries files deep into filing, review, exit and re-entry."""
        status = self.file().status
        options = [
            spec.name
            for spec in FLOW.steps_from(status)
            if spec.roles & ALL_ROLES and spec.name not in FINAL_STEPS
        ]
        if status in rules.FILED_STATUSES:
            options.append("change")
        if status == Status.IN_PUBLICITY:
            options += ["objection", "resolve"]
        if not options or data.draw(st.integers(0, 9)) == 0:
            options = options + sorted(FINAL_STEPS)
        step = data.draw(st.sampled_from(options))
        roles = (FLOW.steps[step].roles if step in FLOW.steps else None) or (
            rules.OBJECTION_ROLES
            if step in ("objection", "change")
            else rules.RESOLVE_OBJECTION_ROLES
        )
        actors = [name for name in ACTORS if set(self.people[name].roles) & roles]
        self.take(step, data.draw(st.sampled_from(actors)), data)

    def take(self, step, actor, data):
        before = self.file()
        events_before = FileEvent.objects.filter(file_id=self.pk).count()
        audits_before = self.audits()
        all_audits_before = AuditEvent.objects.count()
        try:
            _steps(self)[step](self.people[actor], data)
        except (RuleViolation, PermissionDenied):
            after = self.file()
            assert after.status == before.status
            assert FileEvent.objects.filter(file_id=self.pk).count() == events_before
            assert AuditEvent.objects.count() == all_audits_before  # nothing at all was written
            return
        after = self.file()
        assert after.status == before.status or FLOW.can_move(before.status, after.status), (
            step,
            before.status,
            after.status,
        )
        assert FileEvent.objects.filter(file_id=self.pk).count() == events_before + 1
        assert self.audits() == audits_before + 1
        self.accepted += 1

    @rule(days=st.sampled_from([1, 8, 40, 200]))
    def time_passes(self, days):
        self.clock.shift(datetime.timedelta(days=days))

    @invariant()
    def file_is_valid(self):
        hardship_file = self.file()
        assert hardship_file.status in Status.values
        assert hardship_file.category in Category.values
        if hardship_file.status in rules.HAS_BEEN_FILED:
            assert hardship_file.filed_on and hardship_file.category
        if hardship_file.status in rules.EXIT_STATUSES:
            assert hardship_file.exited_on and hardship_file.exit_reason
        if hardship_file.status == Status.GRADUAL_EXIT:
            assert 1 <= hardship_file.gradual_exit_months <= 6
            assert (
                0
                < hardship_file.gradual_exit_monthly_fen * 100
                <= hardship_file.monthly_standard_fen * 60
            )
        if hardship_file.status in (
            Status.REVIEWED,
            Status.IN_PUBLICITY,
            Status.APPROVED,
            *rules.HAS_BEEN_FILED,
        ):
            assert hardship_file.monthly_standard_fen > 0
        for checker in (hardship_file.reviewed_by_id, hardship_file.approved_by_id):
            assert checker is None or checker != hardship_file.proposed_by_id
        assert (
            HardshipFile.objects.filter(
                household_id=hardship_file.household_id, status__in=rules.LIVE_STATUSES
            ).count()
            <= 1
        )

    @invariant()
    def history_is_a_chain(self):
        events = list(FileEvent.objects.filter(file_id=self.pk).order_by("at", "id"))
        assert len(events) == self.accepted
        assert events[0].action == "apply" and events[0].to_status == Status.APPLIED
        for previous, event in itertools.pairwise(events):
            assert event.from_status == previous.to_status
        assert events[-1].to_status == self.file().status


def test_random_step_sequences_keep_every_file_valid(people, make_staff, frozen_clock, household):
    FileMachine.people = {
        **people,
        "everything": make_staff("410108", Role.CASEWORKER, Role.REVIEWER, Role.APPROVER),
        "outsider": make_staff("410204", Role.CASEWORKER, Role.REVIEWER, Role.APPROVER),
    }
    FileMachine.clock = frozen_clock
    run_state_machine_as_test(
        FileMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
