"""The workflow engine's declaration rules, read without a database; the ported apps' own
tests prove the steps (locks, history, audit) on both databases."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from nuanjia.core.history import StepEvent
from nuanjia.core.workflow import REGISTRY, State, Workflow, step, waiting_states_without_queue
from nuanjia.orgs.models import Org


def _flow(*steps, states=None, name="test.flow"):
    states = states or [
        State("draft", queue=frozenset({"caseworker"})),
        State("checked", queue=frozenset({"approver"})),
        State("done"),
    ]
    flow = Workflow(name=name, model=Org, history=StepEvent, history_fk="org", states=states,
                    steps=steps)  # fmt: skip
    REGISTRY.pop(name, None)
    return flow


CHECK = step("check", sources=["draft"], target="checked", roles=["caseworker"])
APPROVE = step("approve", sources=["checked"], target="done", roles=["approver"],
               not_by={"proposed_by": "You proposed it."})  # fmt: skip


def test_transition_map_is_derived_from_the_steps():
    flow = _flow(CHECK, APPROVE)
    assert flow.transitions == {
        "draft": frozenset({"checked"}),
        "checked": frozenset({"done"}),
        "done": frozenset(),
    }
    assert flow.can_move("draft", "checked")
    assert not flow.can_move("draft", "done")


def test_a_step_that_keeps_the_status_moves_to_its_source():
    note = step("pause", sources=["draft", "checked"], target=None, roles=["caseworker"])
    flow = _flow(note)
    assert flow.transitions["draft"] == frozenset({"draft"})


def test_a_step_naming_an_unknown_state_is_refused_at_declaration():
    with pytest.raises(ImproperlyConfigured):
        _flow(step("odd", sources=["nowhere"], target="done", roles=["caseworker"]))


def test_a_waiting_state_whose_queue_cannot_act_is_reported():
    flow = _flow(CHECK, step("approve", sources=["checked"], target="done", roles=["caseworker"]))
    problems = waiting_states_without_queue(flow)
    assert problems == ["test.flow:checked queue ['approver'] cannot act"]


def test_a_state_with_steps_but_no_queue_is_reported():
    states = [State("draft"), State("checked", queue=frozenset({"approver"})), State("done")]
    flow = _flow(CHECK, APPROVE, states=states)
    assert "test.flow:draft has steps but no queue" in waiting_states_without_queue(flow)


def test_a_reason_step_refuses_an_empty_note():
    from nuanjia.core.errors import RuleViolation

    spec = step("reject", sources=["checked"], target="done", roles=["approver"],
                reason="Give the reason.")  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        Workflow.clean_note(spec, "  ")
    assert refused.value.message == "Give the reason."
    assert Workflow.clean_note(spec, " late ") == "late"


def test_roles_by_source_narrow_who_may_take_a_step_from_that_source():
    cancel = step("cancel", sources=["draft", "checked"], target="done",
                  roles=["caseworker", "approver"], roles_by_source={"checked": ["approver"]})  # fmt: skip
    flow = _flow(CHECK, APPROVE, cancel)
    assert flow.role_may({"caseworker"}, "cancel", "draft")
    assert not flow.role_may({"caseworker"}, "cancel", "checked")
    assert flow.role_may({"approver"}, "cancel", "checked")
    assert flow.role_may({"caseworker"}, "cancel")  # no record: the widest roles


def test_roles_by_source_must_name_a_source_and_roles_of_the_step():
    with pytest.raises(ImproperlyConfigured):
        _flow(step("cancel", sources=["draft"], target="done", roles=["caseworker"],
                   roles_by_source={"checked": ["caseworker"]}))  # fmt: skip
    with pytest.raises(ImproperlyConfigured):
        _flow(step("cancel", sources=["draft"], target="done", roles=["caseworker"],
                   roles_by_source={"draft": ["finance"]}))  # fmt: skip
