"""Eligibility rules: every people fact on real rows, and/or/not, refusals naming the condition,
injection attempts, and (hypothesis) the compiled query against a pure-Python evaluation."""

import datetime
import random

import pytest
from django.db.models import Q
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nuanjia.core.codes import credit_code_check_char
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.people import eligibility
from nuanjia.people.eligibility import Context, Fact, Op, ValueKind
from nuanjia.people.eligibility.people_facts import years_before
from nuanjia.people.models import Employer, Honour, OccupationTag, Worker
from nuanjia.standards import regions

from .import_support import grassroots_union

ON = datetime.date(2026, 3, 2)
CONTEXT = Context(on=ON)
TAGS = ["环卫工人", "快递员", "新就业形态"]
ORG_CODES = ["410000", "410100", "410108", "410200", "410204"]
REGION_CODES = ["410000", "410100", "410108", "410102", "410200", "410204"]


def credit_code(body: str) -> str:
    return body + credit_code_check_char(body)


CREDIT_CODES = [credit_code("91410100MA44A0X97"), credit_code("91410200MA44B1Y98")]


def matching(data, context=CONTEXT) -> set[int]:
    rule = eligibility.parse_rule(data)
    return set(
        Worker.objects.filter(eligibility.compile_rule(rule, context)).values_list("pk", flat=True)
    )


def leaf(fact, op, value=None) -> dict:
    data = {"fact": fact, "op": op}
    if value is not None:
        data["value"] = value
    return data


def make_worker(org, name, **values) -> Worker:
    tags = values.pop("tags", [])
    honours = values.pop("honours", [])
    worker = Worker.objects.create(org=org, name=name, **values)
    worker.occupations.set(OccupationTag.objects.filter(name__in=tags))
    for kind, level, year in honours:
        Honour.objects.create(
            worker=worker, kind=kind, level=level, year=year, issuer="河南省总工会"
        )
    return worker


@pytest.fixture
def people(tree):
    """A small registry: a street sweeper, a courier (new-form), a model worker, a merged
    record and a 开封 worker, with the columns each fact reads."""
    union = grassroots_union()
    huiji, kaifeng = Org.objects.get(code="410108"), Org.objects.get(code="410204")
    employer = Employer.objects.create(name="百味餐饮", credit_code=CREDIT_CODES[0])
    sweeper = make_worker(
        huiji,
        "环卫甲",
        gender="female",
        birth_date=datetime.date(1970, 5, 1),
        region_code="410108",
        tags=["环卫工人"],
        union=union,
        joined_union_on=datetime.date(2015, 1, 10),
        employer=employer,
    )
    courier = make_worker(
        union,
        "快递乙",
        gender="male",
        birth_date=datetime.date(1998, 2, 28),
        region_code="410102",
        tags=["快递员", "新就业形态"],
    )
    model = make_worker(
        kaifeng,
        "劳模丙",
        gender="male",
        birth_date=datetime.date(1962, 9, 9),
        region_code="410204",
        union=kaifeng,
        joined_union_on=datetime.date(1990, 3, 1),
        honours=[("model_worker", "provincial", 2015), ("craftsman", "city", 2021)],
    )
    merged = make_worker(huiji, "重复丁", union=union, merged_into=sweeper)
    nobody = make_worker(huiji, "无信息戊")
    return {
        "union": union,
        "sweeper": sweeper.pk,
        "courier": courier.pk,
        "model": model.pk,
        "merged": merged.pk,
        "nobody": nobody.pk,
    }


# ---- Each fact on real rows -------------------------------------------------------------------


def test_occupation_is_any_of_the_tags_and_none_of_them_is_the_rest(people):
    assert matching(leaf("occupation", "in", ["环卫工人", "快递员"])) == {
        people["sweeper"],
        people["courier"],
    }
    assert matching(leaf("occupation", "not_in", ["快递员"])) == {
        people["sweeper"],
        people["model"],
        people["merged"],
        people["nobody"],
    }


def test_a_worker_with_two_matching_tags_is_counted_once(people):
    workers = Worker.objects.filter(
        eligibility.compile_rule(
            eligibility.parse_rule(leaf("occupation", "in", ["快递员", "新就业形态"])), CONTEXT
        )
    )
    assert workers.count() == 1 and list(workers.values_list("pk", flat=True)) == [
        people["courier"]
    ]


def test_new_form_worker_is_the_new_form_occupation_tag(people):
    assert matching(leaf("new_form_worker", "yes")) == {people["courier"]}
    assert people["courier"] not in matching(leaf("new_form_worker", "no"))


def test_honours_by_kind_level_and_year(people):
    assert matching(leaf("honour_kind", "in", ["model_worker", "may_day_medal"])) == {
        people["model"]
    }
    assert matching(leaf("honour_level", "in", ["national"])) == set()
    assert matching(leaf("honour_level", "in", ["city"])) == {people["model"]}
    assert matching(leaf("honour_year", "gte", 2020)) == {people["model"]}
    assert matching(leaf("honour_year", "gte", 2022)) == set()
    assert people["model"] not in matching(leaf("honour_kind", "not_in", ["craftsman"]))


def test_age_counts_from_the_birth_date_on_the_rule_day(people):
    # The courier was born on 1998-02-28: 28 on 2026-03-02, 27 the day before his birthday.
    assert people["courier"] in matching(leaf("age", "gte", 28))
    assert people["courier"] not in matching(
        leaf("age", "gte", 28), Context(on=datetime.date(2026, 2, 27))
    )
    assert matching(leaf("age", "between", [50, 60])) == {people["sweeper"]}
    assert matching(leaf("age", "lte", 30)) == {people["courier"]}
    # No birth date: no age condition holds, and "not" holds.
    assert people["nobody"] not in matching(leaf("age", "lte", 150))
    assert people["nobody"] in matching({"not": leaf("age", "gte", 0)})


def test_someone_born_on_29_february_turns_older_on_1_march(tree):
    leapling = make_worker(
        Org.objects.get(code="410108"), "闰日", birth_date=datetime.date(2008, 2, 29)
    )
    adult = leaf("age", "gte", 18)
    assert leapling.pk not in matching(adult, Context(on=datetime.date(2026, 2, 28)))
    assert leapling.pk in matching(adult, Context(on=datetime.date(2026, 3, 1)))
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)


def test_gender_and_membership(people):
    assert matching(leaf("gender", "in", ["female"])) == {people["sweeper"]}
    # A member is in a union and not merged away (Worker.is_member).
    assert matching(leaf("member", "yes")) == {people["sweeper"], people["model"]}
    assert matching(leaf("member", "no")) == {people["courier"], people["merged"], people["nobody"]}
    assert matching(leaf("joined_union_on", "lte", "2000-01-01")) == {people["model"]}
    assert matching(leaf("joined_union_on", "between", ["2010-01-01", "2020-12-31"])) == {
        people["sweeper"]
    }


def test_union_subtrees_region_and_employer(people):
    assert matching(leaf("owning_union", "within", "410204")) == {people["model"]}
    assert matching(leaf("owning_union", "within", "410100")) == {
        people["sweeper"],
        people["courier"],
        people["merged"],
        people["nobody"],
    }
    assert matching(leaf("owning_union", "within", people["union"].code)) == {people["courier"]}
    assert matching(leaf("member_union", "within", "410108")) == {
        people["sweeper"],
        people["merged"],
    }
    assert matching(leaf("region", "within", "410100")) == {people["sweeper"], people["courier"]}
    assert matching(leaf("region", "within", "410108")) == {people["sweeper"]}
    assert matching(leaf("region", "within", "410000")) == {
        people["sweeper"],
        people["courier"],
        people["model"],
    }
    assert matching(leaf("employer_credit_code", "in", [CREDIT_CODES[0].lower()])) == {
        people["sweeper"]
    }


def test_all_any_and_not_combine(people):
    sweeper_or_model = {
        "any": [leaf("occupation", "in", ["环卫工人"]), leaf("honour_kind", "in", ["model_worker"])]
    }
    assert matching(sweeper_or_model) == {people["sweeper"], people["model"]}
    assert matching({"all": [sweeper_or_model, leaf("gender", "in", ["male"])]}) == {
        people["model"]
    }
    assert matching({"all": [sweeper_or_model, {"not": leaf("gender", "in", ["male"])}]}) == {
        people["sweeper"]
    }
    assert len(matching({})) == Worker.objects.count()


# ---- Describe, hash, catalogue ----------------------------------------------------------------


def test_a_rule_reads_as_text_and_hashes_the_same_however_written(people):
    first = eligibility.parse_rule(
        {"all": [leaf("occupation", "in", ["快递员", "环卫工人"]), leaf("age", "gte", 50)]}
    )
    second = eligibility.parse_rule(
        '{"all":[{"op":"in","fact":"occupation","value":["环卫工人","快递员","环卫工人"]},'
        '{"fact":"age","op":"gte","value":50}]}'
    )
    assert eligibility.rule_hash(first) == eligibility.rule_hash(second)
    assert len(eligibility.rule_hash(first)) == 64
    text = eligibility.describe_rule(first)
    assert "快递员、环卫工人" in text and "50" in text and _(" and ") in text
    assert eligibility.describe_rule(eligibility.parse_rule({})) == _("everyone")
    assert eligibility.rule_data(second)["all"][0]["value"] == sorted(["快递员", "环卫工人"])


def test_the_catalogue_holds_people_and_hardship_facts(db):
    keys = [fact.key for fact in eligibility.catalogue()]
    assert keys[:3] == ["occupation", "new_form_worker", "honour_kind"]
    assert {"age", "gender", "member", "owning_union", "region", "hardship_category"} <= set(keys)
    assert eligibility.get_fact("occupation").choice_labels()["环卫工人"] == "环卫工人"


# ---- Refusals and injection -------------------------------------------------------------------


def refusal(data) -> str:
    with pytest.raises(RuleViolation) as refused:
        eligibility.parse_rule(data)
    assert refused.value.field == "rule"
    return refused.value.message


def at(position: str) -> str:
    """The start of a refusal naming this condition ("第2个条件：" in Chinese)."""
    return (
        _("Condition %(position)s: %(message)s") % {"position": position, "message": ""}
    ).strip()


@pytest.mark.parametrize(
    "data",
    [
        {"all": [leaf("age", "gte", 50), leaf("shoe_size", "gte", 40)]},
        {"all": [leaf("age", "gte", 50), leaf("age", "like", 40)]},
        {"all": [leaf("age", "gte", 50), leaf("age", "in", [40])]},
        {"all": [leaf("age", "gte", 50), leaf("age", "gte", "五十")]},
        {"all": [leaf("age", "gte", 50), leaf("age", "gte", 200)]},
        {"all": [leaf("age", "gte", 50), leaf("age", "gte", True)]},
        {"all": [leaf("age", "gte", 50), leaf("age", "between", [60, 50])]},
        {"all": [leaf("age", "gte", 50), leaf("gender", "in", ["robot"])]},
        {"all": [leaf("age", "gte", 50), leaf("gender", "in", [])]},
        {"all": [leaf("age", "gte", 50), leaf("gender", "in", "male")]},
        {"all": [leaf("age", "gte", 50), leaf("member", "yes", 1)]},
        {"all": [leaf("age", "gte", 50), leaf("region", "within", "41")]},
        {"all": [leaf("age", "gte", 50), leaf("owning_union", "within", "999999")]},
        {"all": [leaf("age", "gte", 50), leaf("employer_credit_code", "in", ["123"])]},
        {"all": [leaf("age", "gte", 50), leaf("joined_union_on", "gte", "2020-13-01")]},
        {"all": [leaf("age", "gte", 50), {"fact": "age", "op": "gte", "value": 1, "sql": "x"}]},
        {"all": [leaf("age", "gte", 50), {"any": []}]},
        {"all": [leaf("age", "gte", 50), {}]},
        {"all": [leaf("age", "gte", 50), "age >= 50"]},
    ],
)
def test_a_bad_second_condition_is_refused_naming_it(tree, data):
    assert refusal(data).startswith(at("2"))


def test_positions_inside_groups_are_named_by_their_path(tree):
    data = {"any": [leaf("age", "gte", 1), {"all": [leaf("age", "gte", 1), leaf("age", "no")]}]}
    assert refusal(data).startswith(at("2.2"))


def test_depth_leaves_and_list_length_are_limited(tree):
    deep = leaf("age", "gte", 1)
    for _level in range(eligibility.MAX_DEPTH - 1):
        deep = {"not": deep}
    eligibility.parse_rule(deep)
    refusal({"not": deep})
    eligibility.parse_rule({"all": [leaf("age", "gte", n) for n in range(50)]})
    refusal({"all": [leaf("age", "gte", n) for n in range(51)]})
    refusal(leaf("employer_credit_code", "in", [CREDIT_CODES[0]] * 201))
    refusal("{not json")
    refusal([leaf("age", "gte", 1)])


def test_sql_in_a_key_an_operator_or_a_value_is_refused(people):
    for data in [
        leaf("age; DROP TABLE people_worker; --", "gte", 1),
        leaf("age", "gte) OR 1=1 --", 1),
        leaf("occupation", "in", ["'; DROP TABLE people_worker; --"]),
        leaf("region", "within", "41' OR '1'='1"),
        leaf("owning_union", "within", "410108' OR '1'='1"),
        leaf("joined_union_on", "gte", "2020-01-01'; --"),
    ]:
        refusal(data)
    assert Worker.objects.count() == 5


def test_a_value_that_passes_its_check_reaches_sql_only_as_a_parameter(people):
    hostile = "'; DROP TABLE people_worker; --"
    fact = Fact(
        "test_name",
        "name",
        (Op.IN,),
        ValueKind.CHOICE,
        lambda op, value, context: Q(name__in=value),
        choices=lambda: [(hostile, hostile), ("环卫甲", "环卫甲")],
    )
    eligibility.register_fact(fact, replace=True)
    try:
        assert matching(leaf("test_name", "in", [hostile, "环卫甲"])) == {people["sweeper"]}
        query = Worker.objects.filter(
            eligibility.compile_rule(
                eligibility.parse_rule(leaf("test_name", "in", [hostile])), CONTEXT
            )
        ).query
        sql, params = query.sql_with_params()
        assert hostile not in sql and hostile in params
    finally:
        eligibility.unregister_fact("test_name")
    assert Worker.objects.count() == 5


def test_no_compiled_rule_needs_a_join_that_repeats_workers(people):
    rule = eligibility.parse_rule(
        {
            "all": [
                leaf("occupation", "in", TAGS),
                leaf("honour_kind", "in", ["model_worker", "craftsman"]),
                leaf("owning_union", "within", "410000"),
                leaf("hardship_category", "not_in", ["deep"]),
            ]
        }
    )
    workers = Worker.objects.filter(eligibility.compile_rule(rule, CONTEXT)).values("pk")
    sql = str(workers.query).upper()
    assert " JOIN " not in sql.split(" WHERE ", 1)[0]
    assert "DISTINCT" not in sql and sql.count("EXISTS") == 3


# ---- The compiled query equals a pure-Python evaluation ---------------------------------------


def age_on(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def evaluate(data: dict, row: dict, on: datetime.date) -> bool:
    """The rule's meaning, written again in Python over one worker's values."""
    if not data:
        return True
    if "all" in data:
        return all(evaluate(item, row, on) for item in data["all"])
    if "any" in data:
        return any(evaluate(item, row, on) for item in data["any"])
    if "not" in data:
        return not evaluate(data["not"], row, on)
    fact, op, value = data["fact"], data["op"], data.get("value")
    negate = op in ("not_in", "no")
    return holds(fact, op, value, row, on) != negate


def holds(fact: str, op: str, value, row: dict, on: datetime.date) -> bool:
    values = value if isinstance(value, list) else [value]
    if fact == "occupation":
        return bool(row["tags"] & set(values))
    if fact == "new_form_worker":
        return "新就业形态" in row["tags"]
    if fact in ("honour_kind", "honour_level"):
        return any(honour[fact.removeprefix("honour_")] in values for honour in row["honours"])
    if fact == "honour_year":
        years = [honour["year"] for honour in row["honours"]]
        return any(year >= value if op == "gte" else year <= value for year in years)
    if fact == "age":
        return row["birth_date"] is not None and in_range(age_on(row["birth_date"], on), op, value)
    if fact == "joined_union_on":
        joined = row["joined_union_on"]
        bounds = [datetime.date.fromisoformat(v) for v in values]
        return joined is not None and in_range(joined, op, bounds if op == "between" else bounds[0])
    if fact == "gender":
        return row["gender"] in values
    if fact == "member":
        return row["union_path"] is not None and not row["merged"]
    if fact in ("owning_union", "member_union"):
        path = Org.objects.get(code=value).path
        own = row["org_path"] if fact == "owning_union" else row["union_path"]
        return own is not None and own.startswith(path)
    if fact == "region":
        return row["region_code"].startswith(regions.prefix(value))
    if fact == "employer_credit_code":
        return row["credit_code"] is not None and row["credit_code"] in values
    raise AssertionError(fact)


def in_range(number, op: str, value) -> bool:
    if op == "gte":
        return number >= value
    if op == "lte":
        return number <= value
    return value[0] <= number <= value[1]


@pytest.fixture
def population(tree):
    """40 workers with random values (a fixed seed) in 惠济区, a grassroots union and 开封."""
    chance = random.Random(14)
    union = grassroots_union()
    orgs = [union, *Org.objects.filter(code__in=["410108", "410204", "410100"])]
    employers = [
        Employer.objects.create(name=f"单位{i}", credit_code=c) for i, c in enumerate(CREDIT_CODES)
    ]
    births = [
        None,
        datetime.date(1976, 3, 2),
        datetime.date(1976, 3, 3),
        datetime.date(2008, 2, 29),
    ]
    rows = {}
    for number in range(40):
        some_day = datetime.date(
            chance.randint(1940, 2012), chance.randint(1, 12), chance.randint(1, 28)
        )
        born = chance.choice([*births, some_day])
        union_of = chance.choice([None, None, union, orgs[2]])
        worker = make_worker(
            chance.choice(orgs),
            f"职工{number}",
            gender=chance.choice(["male", "female", ""]),
            birth_date=born,
            region_code=chance.choice(["410108", "410102", "410204", "419001", ""]),
            union=union_of,
            joined_union_on=chance.choice([None, datetime.date(chance.randint(1990, 2025), 6, 1)]),
            employer=chance.choice([None, *employers]),
            tags=chance.sample(TAGS, chance.randint(0, 3)),
            honours=[
                (
                    chance.choice(["model_worker", "may_day_medal", "craftsman"]),
                    chance.choice(["national", "city"]),
                    chance.randint(2000, 2025),
                )
                for _honour in range(chance.randint(0, 2))
            ],
        )
        if number % 9 == 8:
            Worker.objects.filter(pk=worker.pk).update(merged_into=worker.pk - 1)
    for worker in Worker.objects.select_related("org", "union", "employer").prefetch_related(
        "occupations", "honours"
    ):
        rows[worker.pk] = {
            "tags": {tag.name for tag in worker.occupations.all()},
            "honours": [
                {"kind": h.kind, "level": h.level, "year": h.year} for h in worker.honours.all()
            ],
            "birth_date": worker.birth_date,
            "joined_union_on": worker.joined_union_on,
            "gender": worker.gender,
            "merged": worker.merged_into_id is not None,
            "org_path": worker.org.path,
            "union_path": worker.union.path if worker.union else None,
            "region_code": worker.region_code,
            "credit_code": worker.employer.credit_code if worker.employer else None,
        }
    return rows


def choice_leaf(fact, options):
    return st.builds(
        leaf,
        st.just(fact),
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from(options), min_size=1, max_size=3),
    )


def number_leaf(fact, low, high):
    number = st.integers(low, high)
    return st.one_of(
        st.builds(leaf, st.just(fact), st.sampled_from(["gte", "lte"]), number),
        st.builds(lambda a, b: leaf(fact, "between", sorted([a, b])), number, number),
    )


DAYS = st.dates(datetime.date(1985, 1, 1), datetime.date(2026, 12, 31)).map(str)
LEAVES = st.one_of(
    choice_leaf("occupation", TAGS),
    st.builds(leaf, st.just("new_form_worker"), st.sampled_from(["yes", "no"])),
    choice_leaf("honour_kind", ["model_worker", "may_day_medal", "craftsman", "other"]),
    choice_leaf("honour_level", ["national", "provincial", "city"]),
    st.builds(
        leaf, st.just("honour_year"), st.sampled_from(["gte", "lte"]), st.integers(1998, 2026)
    ),
    number_leaf("age", 0, 90),
    choice_leaf("gender", ["male", "female"]),
    st.builds(leaf, st.just("member"), st.sampled_from(["yes", "no"])),
    st.builds(leaf, st.just("joined_union_on"), st.sampled_from(["gte", "lte"]), DAYS),
    st.builds(lambda a, b: leaf("joined_union_on", "between", sorted([a, b])), DAYS, DAYS),
    st.builds(
        leaf,
        st.sampled_from(["owning_union", "member_union"]),
        st.just("within"),
        st.sampled_from(ORG_CODES),
    ),
    st.builds(
        leaf, st.just("region"), st.just("within"), st.sampled_from([*REGION_CODES, "419001"])
    ),
    choice_leaf("employer_credit_code", CREDIT_CODES),
)
RULES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda item: {"not": item}, inner),
    ),
    max_leaves=10,
)


def depth(data: dict) -> int:
    if "not" in data:
        return 1 + depth(data["not"])
    for combine in ("all", "any"):
        if combine in data:
            return 1 + max(depth(item) for item in data[combine])
    return 1


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=RULES, on=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)))
def test_the_compiled_rule_selects_exactly_the_workers_the_rule_describes(population, data, on):
    assume(depth(data) <= eligibility.MAX_DEPTH)
    expected = {pk for pk, row in population.items() if evaluate(data, row, on)}
    assert matching(data, Context(on=on)) == expected
