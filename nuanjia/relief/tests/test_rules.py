"""Pure relief rules: the cap check's boundaries and explanation, the transition map, and
the months of a phase-out."""

import datetime
from decimal import Decimal

from nuanjia.orgs.rules import Role
from nuanjia.relief import rules
from nuanjia.relief.rules import CapValues, Status, Step, YearScope
from nuanjia.relief.workflow import FLOW


def test_an_amount_equal_to_each_limit_passes_and_one_fen_more_fails():
    caps = CapValues(per_occasion_fen=300_000, per_year_fen=600_000)
    assert rules.check_caps(300_000, caps, year_total_fen=300_000, dibao_fen=None).is_ok
    assert not rules.check_caps(300_001, caps, year_total_fen=0, dibao_fen=None).is_ok
    over_year = rules.check_caps(200_000, caps, year_total_fen=400_001, dibao_fen=None)
    assert over_year.refusals and "6,000.00" in over_year.refusals[0]


def test_months_of_dibao_need_a_standard_and_round_down_to_the_fen():
    caps = CapValues(dibao_months=Decimal("8"), year_scope=YearScope.HOUSEHOLD)
    assert not rules.check_caps(1, caps, year_total_fen=0, dibao_fen=None).is_ok
    assert rules.check_caps(640_000, caps, year_total_fen=0, dibao_fen=80_000).is_ok
    assert not rules.check_caps(640_001, caps, year_total_fen=0, dibao_fen=80_000).is_ok
    assert rules.dibao_months_cap_fen(Decimal("1.5"), 80_001) == 120_001


def test_the_approval_limit_is_a_note_not_a_refusal():
    caps = CapValues(approval_limit_fen=500_000)
    at_limit = rules.check_caps(500_000, caps, year_total_fen=0, dibao_fen=None)
    above = rules.check_caps(500_001, caps, year_total_fen=0, dibao_fen=None)
    assert not at_limit.needs_higher_approval
    assert above.is_ok and above.needs_higher_approval


def test_no_caps_means_no_lines():
    assert rules.check_caps(10**9, rules.NO_CAPS, year_total_fen=0, dibao_fen=None).lines == []


def test_every_step_target_is_a_legal_move_from_each_source():
    for spec in FLOW.steps.values():
        for source in spec.sources:
            assert FLOW.can_move(source, spec.target), (spec.name, source)
    for final in rules.FINAL_STATUSES:
        assert FLOW.transitions[final] == frozenset()


def _page_steps(status: str, roles: set[str]) -> list[str]:
    return [
        spec.name
        for spec in FLOW.steps_from(status)
        if spec.roles & roles and spec.name in rules.GRANT_PAGE_STEPS
    ]


def test_page_steps_follow_roles():
    assert _page_steps(Status.PROPOSED, {Role.REVIEWER}) == [Step.REVIEW, Step.REJECT]
    assert _page_steps(Status.REVIEWED, {Role.APPROVER}) == [
        Step.APPROVE,
        Step.REJECT,
        Step.CANCEL,
    ]
    assert _page_steps(Status.PAID, {Role.CASEWORKER}) == []
    assert _page_steps(Status.PAID, {Role.FINANCE}) == [Step.RETURN]


def test_a_phase_out_pays_each_begun_month_while_it_runs():
    exited = datetime.date(2026, 1, 31)
    months = rules.phase_out_months(exited, 3)
    assert [(m.starts_on, m.ends_on) for m in months] == [
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 27)),
        (datetime.date(2026, 2, 28), datetime.date(2026, 3, 30)),
        (datetime.date(2026, 3, 31), datetime.date(2026, 4, 29)),
    ]
    assert [m.number for m in rules.phase_out_months_due(exited, 3, datetime.date(2026, 3, 1))] == [
        1,
        2,
    ]
    assert len(rules.phase_out_months_due(exited, 3, datetime.date(2026, 4, 29))) == 3
    assert rules.phase_out_months_due(exited, 3, datetime.date(2026, 4, 30)) == []
    assert rules.phase_out_months_due(exited, 3, datetime.date(2026, 1, 30)) == []
