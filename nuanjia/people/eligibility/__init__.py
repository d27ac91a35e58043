"""Who is eligible: a whitelisted catalogue of registry facts and rules over them, compiled
to ORM conditions on people.Worker (campaigns, mutual aid and benefits reuse it).

    rule = parse_rule({"all": [{"fact": "occupation", "op": "in", "value": ["环卫工人"]},
                               {"fact": "age", "op": "gte", "value": 50}]})
    workers = visible_workers(user).filter(compile_rule(rule, Context(on=today)))

Modules: registry (Fact, Op, ValueKind, Context, register_fact, catalogue), values (checking
a fact's values), rules (parse, compile, describe, hash), people_facts (people's facts).
"""

from .registry import (
    OP_LABELS,
    Context,
    Fact,
    Op,
    ValueKind,
    catalogue,
    get_fact,
    register_fact,
    unregister_fact,
)
from .rules import (
    EVERYONE,
    MAX_DEPTH,
    MAX_LEAVES,
    Group,
    Leaf,
    Not,
    Rule,
    compile_rule,
    describe_rule,
    facts_in,
    parse_rule,
    rule_data,
    rule_hash,
)
from .values import MAX_LIST

__all__ = [
    "EVERYONE",
    "MAX_DEPTH",
    "MAX_LEAVES",
    "MAX_LIST",
    "OP_LABELS",
    "Context",
    "Fact",
    "Group",
    "Leaf",
    "Not",
    "Op",
    "Rule",
    "ValueKind",
    "catalogue",
    "compile_rule",
    "describe_rule",
    "facts_in",
    "get_fact",
    "parse_rule",
    "register_fact",
    "rule_data",
    "rule_hash",
    "unregister_fact",
]
