"""Every workflow declared: each state a record can wait in sits in the queue of a role that
can act on it."""

from nuanjia.core.workflow import REGISTRY, waiting_states_without_queue


def test_every_waiting_state_has_a_queue_that_can_act():
    problems = [
        problem for flow in REGISTRY.values() for problem in waiting_states_without_queue(flow)
    ]
    assert problems == []
