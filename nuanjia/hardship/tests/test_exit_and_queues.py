"""Issue 12 items 20 and 21 on the workflow engine: a change is proposed from the family's
current values and is never dropped at exit, the exit shows the figures it was decided on, and
every state a file waits in sits in one queue of a role that can act on it."""

import re

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.hardship import services
from nuanjia.hardship.models import FileEvent
from nuanjia.hardship.queries import todo_filters
from nuanjia.hardship.rules import ExitReason, Status, Step
from nuanjia.hardship.todo import TODO_LABELS, hardship_todo
from nuanjia.hardship.workflow import FLOW
from nuanjia.people.models import HouseholdMember

pytestmark = pytest.mark.django_db

ABOVE_THE_LINE_WAGES_FEN = 5_000_000  # 2,083.33 元 a person a month, above 2 × 800 元
SMALL_EXTRA_INCOME_FEN = 120_000  # 50 元 a person a month more: still deep hardship


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def filed(new_file, walk):
    return walk(new_file, Status.FILED)


def _worker_member(hardship_file) -> HouseholdMember:
    return hardship_file.household.members.get(relation=HouseholdMember.Relation.SELF)


def _propose(hardship_file, caseworker, **values):
    member = _worker_member(hardship_file)
    return services.propose_change(
        hardship_file, {"members": {str(member.pk): values}}, by=caseworker, note="收入变化"
    )


def _as_submitted(form) -> dict:
    """What a browser sends for the form as it opened: ticked boxes as "on", the rest as typed."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False, ""):
            data[name] = str(value)
    return data


# ---- Item 20: the change form and the exit ------------------------------------------------


def test_a_change_that_only_adds_income_keeps_the_worker_employed(login, caseworker, filed):
    member = _worker_member(filed)
    assert member.is_employed
    client = login(caseworker)
    opened = client.get(f"/hardship/files/{filed.pk}/change/")
    form = opened.context["form"]
    assert form["is_employed"].value() is True  # the box opens ticked, as the worker is
    data = {**_as_submitted(form), "wage_income": "24000.00", "note": "涨工资"}
    assert client.post(f"/hardship/files/{filed.pk}/change/", data).status_code == 302
    filed.refresh_from_db()
    assert filed.pending_change == {"members": {str(member.pk): {"wage_income_fen": 2_400_000}}}


def test_the_change_form_opens_on_the_member_asked_for(login, caseworker, filed):
    child = filed.household.members.get(relation=HouseholdMember.Relation.CHILD)
    HouseholdMember.objects.filter(pk=child.pk).update(is_employed=False, other_income_fen=36_000)
    opened = login(caseworker).get(f"/hardship/files/{filed.pk}/change/", {"member": child.pk})
    form = opened.context["form"]
    assert form["member"].value() == child.pk
    assert form["is_employed"].value() is False and str(form["other_income"].value()) == "360.00"


def test_an_exit_applies_the_pending_change_and_shows_the_figures_it_was_decided_on(
    login, caseworker, approver, filed
):
    pending = _propose(filed, caseworker, wage_income_fen=ABOVE_THE_LINE_WAGES_FEN)
    change = pending.pending_change
    exited = services.exit_file(pending, by=approver, reason=ExitReason.INCOME)
    member = _worker_member(exited)
    assert member.wage_income_fen == ABOVE_THE_LINE_WAGES_FEN  # the change took effect
    assert exited.pending_change is None and exited.per_capita_income_fen == 208_333
    event = FileEvent.objects.get(file=exited, action=Step.EXIT)
    assert event.changes["applied_change"] == change
    assert event.changes["per_capita_income_fen"] == 208_333
    page = _text(login(approver).get(f"/hardship/files/{exited.pk}/"))
    assert 'data-testid="exit-figures"' in page and "2,083.33" in page


def test_an_income_exit_whose_change_leaves_the_family_below_the_line_is_refused(
    caseworker, approver, filed
):
    pending = _propose(filed, caseworker, other_income_fen=SMALL_EXTRA_INCOME_FEN)
    with pytest.raises(RuleViolation) as refused:
        services.exit_file(pending, by=approver, reason=ExitReason.INCOME)
    assert refused.value.code == "below_line" and "55.00" not in refused.value.message
    assert "550.00" in refused.value.message
    pending.refresh_from_db()
    assert pending.status == Status.UNDER_REVIEW and pending.pending_change
    assert _worker_member(pending).other_income_fen == 0  # nothing applied


def test_an_exit_may_withdraw_the_pending_change_on_record(caseworker, approver, filed):
    pending = _propose(filed, caseworker, other_income_fen=SMALL_EXTRA_INCOME_FEN)
    change = pending.pending_change
    exited = services.exit_file(
        pending, by=approver, reason=ExitReason.MOVED, pending_change="withdraw"
    )
    assert exited.status == Status.EXITED and exited.pending_change is None
    assert _worker_member(exited).other_income_fen == 0
    event = FileEvent.objects.get(file=exited, action=Step.EXIT)
    assert event.changes["withdrawn_change"] == change


def test_the_exit_page_shows_the_pending_change_and_asks_what_becomes_of_it(
    login, caseworker, approver, filed
):
    pending = _propose(filed, caseworker, other_income_fen=SMALL_EXTRA_INCOME_FEN)
    client = login(approver)
    page = client.get(f"/hardship/files/{pending.pk}/exit/")
    assert 'data-testid="pending-change"' in _text(page)
    assert "pending_change" in page.context["form"].fields
    done = client.post(
        f"/hardship/files/{pending.pk}/exit/",
        {"exit_reason": "moved", "pending_change": "withdraw", "note": "迁往外省"},
    )
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.EXITED and _worker_member(pending).other_income_fen == 0


# ---- Item 21: a review that finds the family must exit reaches the approver ----------------


def _tile_statuses() -> dict[str, list[frozenset[str]]]:
    """For each status, the roles of every to-do tile that lists files waiting in it."""
    tiles: dict[str, list[frozenset[str]]] = {}
    for condition, roles in todo_filters().values():
        lookups: dict[str, object] = dict(
            child for child in condition.children if isinstance(child, tuple)
        )
        status = lookups["status"]
        tiles.setdefault(str(status), []).append(roles)
    return tiles


def test_every_state_a_file_waits_in_has_one_tile_for_the_role_that_acts_on_it():
    tiles = _tile_statuses()
    for value, state in FLOW.states.items():
        if not state.is_waiting or value == Status.EXITED:  # exited: the watch list
            continue
        assert tiles.get(value) == [state.queue], value
        assert any(spec.roles & state.queue for spec in FLOW.steps_from(value)), value


def test_a_review_finding_the_family_above_the_line_goes_to_the_approver_who_exits_it(
    login, caseworker, reviewer, approver, filed
):
    pending = _propose(filed, caseworker, wage_income_fen=ABOVE_THE_LINE_WAGES_FEN)
    with pytest.raises(RuleViolation) as refused:
        services.complete_review(pending, by=reviewer)
    assert refused.value.code == "above_line"
    detail = _text(login(reviewer).get(f"/hardship/files/{pending.pk}/"))
    assert 'data-testid="step-propose_exit"' in detail
    proposed = login(reviewer).post(
        f"/hardship/files/{pending.pk}/propose-exit/",
        {"exit_reason": "income", "note": "复核后人均收入超过相对困难标准"},
    )
    assert proposed.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.TO_EXIT and pending.exit_proposed_by == reviewer
    label = str(TODO_LABELS["exits_to_decide"])
    assert [item.count for item in hardship_todo(approver) if item.label == label] == [1]
    assert not [item for item in hardship_todo(reviewer) if item.label == label]
    assert 'data-testid="step-exit"' in _text(login(approver).get(f"/hardship/files/{pending.pk}/"))
    exited = services.exit_file(pending, by=approver, reason=ExitReason.INCOME)
    assert exited.status == Status.EXITED and exited.per_capita_income_fen == 208_333


def test_whoever_proposed_the_exit_cannot_decide_it(make_staff, caseworker, filed):
    from nuanjia.orgs.rules import Role

    both = make_staff("410108", Role.REVIEWER, Role.APPROVER)
    pending = _propose(filed, caseworker, wage_income_fen=ABOVE_THE_LINE_WAGES_FEN)
    proposed = services.propose_exit(pending, by=both, exit_reason=ExitReason.INCOME, note="超线")
    with pytest.raises(RuleViolation) as refused:
        services.exit_file(proposed, by=both, reason=ExitReason.INCOME)
    assert refused.value.code == "maker_checker"


def test_the_approver_may_keep_the_family_and_send_the_file_back_to_review(
    caseworker, reviewer, approver, filed
):
    pending = _propose(filed, caseworker, wage_income_fen=ABOVE_THE_LINE_WAGES_FEN)
    proposed = services.propose_exit(
        pending, by=reviewer, exit_reason=ExitReason.INCOME, note="超线"
    )
    with pytest.raises(RuleViolation):
        services.reopen_review(proposed, by=approver, note="")  # a reason is required
    back = services.reopen_review(proposed, by=approver, note="收入证明存疑，请重新核实")
    assert back.status == Status.UNDER_REVIEW and back.exit_reason == ""
    assert back.exit_proposed_by is None and back.pending_change  # still waiting for review


# ---- The same steps through the API -------------------------------------------------------


def test_the_api_takes_each_step_at_its_published_path(
    login, caseworker, reviewer, approver, filed
):
    pending = _propose(filed, caseworker, wage_income_fen=ABOVE_THE_LINE_WAGES_FEN)
    url = f"/api/v1/hardship/files/{pending.pk}"
    proposed = login(reviewer).post(
        f"{url}/propose-exit", {"exit_reason": "income"}, content_type="application/json"
    )
    assert proposed.status_code == 422  # the reason is required
    proposed = login(reviewer).post(
        f"{url}/propose-exit",
        {"exit_reason": "income", "note": "超线"},
        content_type="application/json",
    )
    assert proposed.status_code == 200 and proposed.json()["status"] == Status.TO_EXIT
    assert proposed.json()["steps"] == []  # the reviewer has nothing more to do here
    client = login(approver)
    assert client.get(url).json()["steps"] == [Step.EXIT, Step.REOPEN_REVIEW]
    exited = client.post(
        f"{url}/exit",
        {"exit_reason": "moved", "pending_change": "withdraw"},
        content_type="application/json",
    )
    assert exited.status_code == 200 and exited.json()["status"] == Status.EXITED
    assert _worker_member(pending).wage_income_fen == 1_200_000  # withdrawn, not applied


def test_filing_through_the_api_still_needs_no_body(login, caseworker, new_file, walk):
    approved = walk(new_file, Status.APPROVED)
    filed = login(caseworker).post(f"/api/v1/hardship/files/{approved.pk}/file")
    assert filed.status_code == 200 and filed.json()["status"] == Status.FILED
