"""The rule builder of pages (one level of conditions, each maybe negated) and the
eligibility API: the catalogue and checking a rule."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from nuanjia.orgs.rules import Role
from nuanjia.people import eligibility
from nuanjia.people.eligibility_forms import RuleBuilder

pytestmark = pytest.mark.django_db

RULE = {
    "any": [
        {"fact": "occupation", "op": "in", "value": ["快递员", "环卫工人"]},
        {"not": {"fact": "age", "op": "between", "value": [18, 50]}},
        {"fact": "member", "op": "yes"},
        {"fact": "region", "op": "within", "value": "410100"},
    ]
}


def posted(builder_html_data: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in builder_html_data.items():
        data[key] = value
    return data


def form_data(rule_data: dict) -> QueryDict:
    """What the browser posts back for a builder opened on `rule_data`, unchanged."""
    builder = RuleBuilder(rule=eligibility.parse_rule(rule_data))
    data = QueryDict(mutable=True)
    data["rule-combine"] = builder.combine.initial["combine"]
    data["rule-rows-TOTAL_FORMS"] = str(len(builder.rows.forms))
    data["rule-rows-INITIAL_FORMS"] = "0"
    for index, row in enumerate(builder.rows.forms):
        for name in ("fact", "op", "value"):
            data[f"rule-rows-{index}-{name}"] = str(row.initial.get(name, ""))
        if row.initial.get("negate"):
            data[f"rule-rows-{index}-negate"] = "on"
    return data


def test_the_builder_opens_on_a_rule_and_gives_the_same_rule_back(tree):
    data = form_data(RULE)
    assert data["rule-rows-0-value"] == "快递员、环卫工人"
    builder = RuleBuilder(data)
    assert builder.is_valid(), [row.errors for row in builder.rows.forms]
    assert builder.rule_data() == eligibility.rule_data(eligibility.parse_rule(RULE))


def test_a_choice_is_typed_by_its_label_and_a_list_by_commas(tree):
    data = posted(
        {
            "rule-combine": "all",
            "rule-rows-TOTAL_FORMS": "2",
            "rule-rows-INITIAL_FORMS": "0",
            "rule-rows-0-fact": "occupation",
            "rule-rows-0-op": "in",
            "rule-rows-0-value": "环卫工人, 快递员",
            "rule-rows-1-fact": "gender",
            "rule-rows-1-op": "in",
            "rule-rows-1-value": str(eligibility.get_fact("gender").choice_labels()["female"]),
        }
    )
    builder = RuleBuilder(data)
    assert builder.is_valid()
    assert builder.rule_data() == {
        "all": [
            {"fact": "occupation", "op": "in", "value": ["快递员", "环卫工人"]},
            {"fact": "gender", "op": "in", "value": ["female"]},
        ]
    }


def test_a_bad_row_is_refused_on_the_row_and_removed_rows_are_left_out(tree):
    data = posted(
        {
            "rule-combine": "all",
            "rule-rows-TOTAL_FORMS": "3",
            "rule-rows-INITIAL_FORMS": "0",
            "rule-rows-0-fact": "age",
            "rule-rows-0-op": "gte",
            "rule-rows-0-value": "五十",
            "rule-rows-1-fact": "age",
            "rule-rows-1-op": "gte",
            "rule-rows-1-value": "50",
            "rule-rows-1-DELETE": "on",
            "rule-rows-2-fact": "",
            "rule-rows-2-op": "is",
        }
    )
    builder = RuleBuilder(data)
    assert not builder.is_valid()
    assert builder.rows.forms[0].errors["value"]
    data["rule-rows-0-value"] = "60"
    builder = RuleBuilder(data)
    assert builder.is_valid()
    assert builder.rule_data() == {"all": [{"fact": "age", "op": "gte", "value": 60}]}


def test_adding_a_row_posts_back_with_one_more_row_and_saves_nothing(tree):
    data = form_data({"all": [{"fact": "age", "op": "gte", "value": 60}]})
    data["rule-add"] = "1"
    builder = RuleBuilder(data)
    assert not builder.is_valid() and len(builder.rows.forms) == 2
    html = render_to_string("people/includes/rule_builder.html", {"builder": builder})
    assert html.count('data-testid="rule-row"') == 2 and 'name="rule-add"' in html


def test_a_nested_rule_is_left_to_the_api(tree):
    nested = eligibility.parse_rule({"all": [RULE, {"fact": "member", "op": "no"}]})
    assert not RuleBuilder.fits(nested)
    assert RuleBuilder.fits(eligibility.parse_rule(RULE))
    assert RuleBuilder.fits(eligibility.parse_rule({}))
    assert len(RuleBuilder(rule=eligibility.EVERYONE).rows.forms) == 1


def test_the_api_lists_the_catalogue_with_ops_and_choices(login, caseworker):
    facts = login(caseworker).get("/api/v1/people/eligibility/facts").json()
    by_key = {fact["key"]: fact for fact in facts}
    assert [op["op"] for op in by_key["age"]["ops"]] == ["gte", "lte", "between"]
    assert by_key["age"]["kind"] == "int" and by_key["age"]["maximum"] == 150
    assert {"value": "环卫工人", "label": "环卫工人"} in by_key["occupation"]["choices"]
    assert by_key["hardship_file_status"]["app"] == "hardship"
    assert by_key["region"]["choices"] is None


def test_the_api_checks_a_rule_and_names_the_condition_at_fault(login, caseworker):
    client = login(caseworker)
    answer = client.post(
        "/api/v1/people/eligibility/check", {"rule": RULE}, content_type="application/json"
    )
    assert answer.status_code == 200
    body = answer.json()
    rule = eligibility.parse_rule(RULE)
    assert body["hash"] == eligibility.rule_hash(rule)
    assert body["description"] == eligibility.describe_rule(rule)
    assert body["facts"] == ["age", "member", "occupation", "region"]
    bad = {"all": [{"fact": "age", "op": "gte", "value": 1}, {"fact": "x'; --", "op": "is"}]}
    refused = client.post(
        "/api/v1/people/eligibility/check", {"rule": bad}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "rule"
    assert "2" in refused.json()["message"]


def test_administrators_get_no_catalogue(login, make_staff):
    client = login(make_staff("410000", Role.SYSTEM_ADMIN))
    assert client.get("/api/v1/people/eligibility/facts").status_code == 403
