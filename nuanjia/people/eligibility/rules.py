"""Eligibility rules as data: parse (check), compile to a Q on people.Worker, describe, hash.

A rule is JSON:

    {"all": [rule, ...]}     every rule holds (且)
    {"any": [rule, ...]}     at least one holds (或)
    {"not": rule}            the rule does not hold (并非)
    {"fact": "age", "op": "gte", "value": 50}      a leaf: a registered fact, one of its ops
    {}                       everyone (only as the whole rule)

At most MAX_DEPTH levels and MAX_LEAVES leaves. No text of the rule reaches SQL: fact keys
and operators are dict lookups in the registry, values are checked per fact (values.py) and
bound as parameters by the ORM expressions the facts build.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import reduce
from typing import Any, Literal

from django.db.models import Q
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

from .registry import OP_LABELS, Context, Fact, Op, ValueKind, get_fact
from .values import check_value

MAX_DEPTH = 5
MAX_LEAVES = 50
GROUPS = ("all", "any")


class _Node:
    def as_json(self) -> dict[str, Any]:
        """The rule as JSON data, in its canonical form (rule_data)."""
        return rule_data(self)  # type: ignore[arg-type]  # every node is a Leaf, Group or Not


@dataclass(frozen=True)
class Leaf(_Node):
    fact: str
    op: Op
    value: Any  # normalized by values.check_value; None for yes / no


@dataclass(frozen=True)
class Group(_Node):
    combine: Literal["all", "any"]
    items: tuple[Rule, ...]


@dataclass(frozen=True)
class Not(_Node):
    item: Rule


Rule = Leaf | Group | Not
EVERYONE = Group("all", ())


class _Parser:
    def __init__(self) -> None:
        self.leaves = 0

    def refuse(self, position: str, message: str) -> RuleViolation:
        if position:
            message = _("Condition %(position)s: %(message)s") % {
                "position": position,
                "message": message,
            }
        return RuleViolation(message, field="rule")

    def node(self, data: Any, position: str, depth: int) -> Rule:
        if depth > MAX_DEPTH:
            raise self.refuse(
                position, _("Rules nest at most %(count)d levels deep.") % {"count": MAX_DEPTH}
            )
        if not isinstance(data, dict) or not data:
            raise self.refuse(position, _("Each condition is a group or a fact test."))
        keys = set(data)
        if keys == {"not"}:
            return Not(self.node(data["not"], position, depth + 1))
        if len(keys) == 1 and (combine := next(iter(keys))) in GROUPS:
            items = data[combine]
            if not isinstance(items, list) or not items:
                raise self.refuse(position, _("A group needs at least one condition."))
            base = f"{position}." if position else ""
            return Group(
                "all" if combine == "all" else "any",
                tuple(
                    self.node(item, f"{base}{number}", depth + 1)
                    for number, item in enumerate(items, start=1)
                ),
            )
        if {"fact", "op"} <= keys <= {"fact", "op", "value"}:
            return self.leaf(data, position)
        raise self.refuse(position, _("Each condition is a group or a fact test."))

    def leaf(self, data: dict[str, Any], position: str) -> Leaf:
        self.leaves += 1
        if self.leaves > MAX_LEAVES:
            raise self.refuse(
                position, _("A rule has at most %(count)d conditions.") % {"count": MAX_LEAVES}
            )
        fact = get_fact(data["fact"])
        if fact is None:
            raise self.refuse(position, _("There is no such fact to test."))
        op = _op(data["op"])
        if op is None or op not in fact.ops:
            raise self.refuse(
                position, _("“%(fact)s” cannot be tested this way.") % {"fact": fact.label}
            )
        try:
            value = check_value(fact, op, data.get("value"))
        except RuleViolation as error:
            raise self.refuse(position, error.message) from None
        return Leaf(fact.key, op, value)


def _op(raw: Any) -> Op | None:
    return Op(raw) if isinstance(raw, str) and raw in Op._value2member_map_ else None


def parse_rule(data: Any) -> Rule:
    """Check rule data (a dict, or its JSON text) and answer the rule; RuleViolation (field
    "rule") naming the condition at fault, as "第2.1个条件：…", when anything is wrong."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            raise RuleViolation(_("The rule is not valid JSON."), field="rule") from None
    if data == {}:
        return EVERYONE
    return _Parser().node(data, "", 1)


def rule_data(rule: Rule) -> dict[str, Any]:
    """The rule as JSON data, in its canonical form (what parse_rule reads back)."""
    if isinstance(rule, Leaf):
        data: dict[str, Any] = {"fact": rule.fact, "op": str(rule.op)}
        if rule.value is not None:
            data["value"] = rule.value
        return data
    if isinstance(rule, Not):
        return {"not": rule_data(rule.item)}
    if not rule.items:
        return {}
    return {rule.combine: [rule_data(item) for item in rule.items]}


def rule_hash(rule: Rule) -> str:
    """sha256 (hex) of the canonical JSON: the same rule, written any way, has one hash."""
    text = json.dumps(rule_data(rule), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _fact_of(key: str) -> Fact:
    fact = get_fact(key)
    if fact is None:  # a stored rule naming a fact no app registers any more
        raise RuleViolation(_("There is no such fact to test."), field="rule")
    return fact


def compile_rule(rule: Rule, context: Context) -> Q:
    """The rule as a Q on people.Worker. Each leaf is a condition that is true or false
    for every row (never SQL NULL), so `not` means exactly "the others"."""
    if isinstance(rule, Leaf):
        condition = _fact_of(rule.fact).compile(rule.op, rule.value, context)
        return condition if condition else Q(pk__isnull=False)
    if isinstance(rule, Not):
        return ~compile_rule(rule.item, context)
    parts = [compile_rule(item, context) for item in rule.items]
    if not parts:
        return Q()
    return reduce(Q.__and__ if rule.combine == "all" else Q.__or__, parts)


def facts_in(rule: Rule) -> set[str]:
    """The keys of the facts a rule tests."""
    if isinstance(rule, Leaf):
        return {rule.fact}
    if isinstance(rule, Not):
        return facts_in(rule.item)
    return set().union(*(facts_in(item) for item in rule.items))


def describe_rule(rule: Rule) -> str:
    """The rule as readable text: "职业 属于 环卫工人 且 年龄 至少 50岁"."""
    if rule == EVERYONE:
        return _("everyone")
    return _describe(rule, top=True)


def _describe(rule: Rule, *, top: bool = False) -> str:
    if isinstance(rule, Leaf):
        return describe_leaf(rule)
    if isinstance(rule, Not):
        return _("not (%(rule)s)") % {"rule": _describe(rule.item, top=True)}
    joiner = _(" and ") if rule.combine == "all" else _(" or ")
    text = joiner.join(_describe(item) for item in rule.items)
    return text if top or len(rule.items) == 1 else f"（{text}）"


def describe_leaf(leaf: Leaf) -> str:
    fact = _fact_of(leaf.fact)
    if leaf.value is None:
        return _("%(fact)s: %(answer)s") % {"fact": fact.label, "answer": OP_LABELS[leaf.op]}
    return _("%(fact)s %(op)s %(value)s") % {
        "fact": fact.label,
        "op": OP_LABELS[leaf.op],
        "value": describe_value(fact, leaf.op, leaf.value),
    }


def describe_value(fact: Fact, op: Op, value: Any) -> str:
    if op == Op.BETWEEN:
        return f"{_one_text(fact, value[0])}–{_one_text(fact, value[1])}{fact.unit}"
    if isinstance(value, list):
        return "、".join(_one_text(fact, item) for item in value)
    return f"{_one_text(fact, value)}{fact.unit if fact.kind == ValueKind.INT else ''}"


def _one_text(fact: Fact, value: Any) -> str:
    if fact.kind == ValueKind.CHOICE:
        return fact.choice_labels().get(value, str(value))
    if fact.kind == ValueKind.ORG:
        from nuanjia.orgs.models import Org

        name = Org.objects.filter(code=value).values_list("name", flat=True).first()
        return f"{name}（{value}）" if name else str(value)
    return str(value)
