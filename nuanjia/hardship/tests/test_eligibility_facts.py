"""The hardship facts of the eligibility catalogue: the family's category and the state of
its live file, gradual exit included, on files walked through the services."""

import datetime

from nuanjia.hardship import services
from nuanjia.hardship.rules import Status
from nuanjia.people import eligibility
from nuanjia.people.models import Worker

from .conftest import build_household

CONTEXT = eligibility.Context(on=datetime.date(2026, 3, 2))


def matching(data) -> set[int]:
    rule = eligibility.parse_rule(data)
    condition = eligibility.compile_rule(rule, CONTEXT)
    return set(Worker.objects.filter(condition).values_list("pk", flat=True))


def test_category_and_file_state_select_families_by_their_live_file(
    tree, standards, caseworker, walk
):
    filed = walk(services.open_file(build_household(), by=caseworker, note="重病"), Status.FILED)
    easing = walk(
        services.open_file(build_household(), by=caseworker, note="失业"), Status.GRADUAL_EXIT
    )
    applied = services.open_file(build_household(), by=caseworker, note="刚申请")
    withdrawn = services.withdraw_file(
        services.open_file(build_household(), by=caseworker, note="撤回"),
        by=caseworker,
        note="家庭情况好转",
    )
    no_household = Worker.objects.create(org=caseworker.org, name="无档案")
    worker_of = {
        name: hardship_file.household.worker_id
        for name, hardship_file in {
            "filed": filed,
            "easing": easing,
            "applied": applied,
            "withdrawn": withdrawn,
        }.items()
    }

    category = filed.category
    assert category and easing.category == category
    assert matching({"fact": "hardship_category", "op": "in", "value": [category]}) == {
        worker_of["filed"],
        worker_of["easing"],
    }
    assert matching(
        {"fact": "hardship_file_status", "op": "in", "value": ["filed", "gradual_exit"]}
    ) == {worker_of["filed"], worker_of["easing"]}
    assert matching({"fact": "hardship_file_status", "op": "in", "value": ["applied"]}) == {
        worker_of["applied"]
    }
    # Not in: no live file in those states, so families without a file (or only a withdrawn
    # application) are in.
    outside = matching({"fact": "hardship_file_status", "op": "not_in", "value": ["filed"]})
    assert worker_of["filed"] not in outside
    assert {worker_of["withdrawn"], worker_of["easing"], no_household.pk} <= outside


def test_a_withdrawn_or_rejected_application_is_no_file_state_to_choose(db):
    fact = eligibility.get_fact("hardship_file_status")
    states = fact.choice_labels()
    assert "gradual_exit" in states and "exited" in states
    assert "withdrawn" not in states and "rejected" not in states
    assert "" not in eligibility.get_fact("hardship_category").choice_labels()


def test_a_hardship_rule_combines_with_people_facts_and_reads_as_text(
    tree, standards, caseworker, walk
):
    filed = walk(services.open_file(build_household(), by=caseworker, note="重病"), Status.FILED)
    rule = {
        "all": [
            {"fact": "hardship_file_status", "op": "in", "value": ["filed"]},
            {"fact": "owning_union", "op": "within", "value": "410108"},
        ]
    }
    assert matching(rule) == {filed.household.worker_id}
    assert matching({"not": rule}) == set(Worker.objects.values_list("pk", flat=True)) - {
        filed.household.worker_id
    }
    text = eligibility.describe_rule(eligibility.parse_rule(rule))
    assert str(Status.FILED.label) in text
