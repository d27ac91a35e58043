"""The rule builder of pages: 全部满足 / 任一满足 over rows of [并非] [fact] [operator] [value].

Plain HTML, no script needed: a formset of rows, a button that posts the form back with one
more row, a checkbox per row that removes it. It builds one level (with "not" per row);
deeper rules are written through the API (`RuleBuilder.fits` says whether a rule can be
shown here). Values are typed as text: lists separated by 、 , or spaces, "between" as two
values; a choice is typed by its label or its key.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.errors import RuleViolation

from . import eligibility
from .eligibility import Group, Leaf, Not, Op, ValueKind

SEPARATORS = re.compile(r"[,，、;；\s]+")
COMBINE_CHOICES = [("all", _("All conditions hold")), ("any", _("Any condition holds"))]


class CombineForm(forms.Form):
    combine = forms.ChoiceField(
        label=_("Combine"), choices=COMBINE_CHOICES, initial="all", widget=forms.RadioSelect
    )


class ConditionForm(forms.Form):
    negate = forms.BooleanField(label=_("Not"), required=False)
    fact = forms.ChoiceField(label=_("Fact"), required=False)  # a row without one is left out
    op = forms.ChoiceField(
        label=_("Operator"),
        choices=[(str(op), label) for op, label in eligibility.OP_LABELS.items()],
    )
    value = forms.CharField(label=_("Value"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fact_field = self.fields["fact"]
        assert isinstance(fact_field, forms.ChoiceField)
        fact_field.choices = [("", "—")] + [
            (fact.key, fact.label) for fact in eligibility.catalogue()
        ]

    def condition(self) -> dict[str, Any]:
        """The row as rule data (a leaf, or "not" around it)."""
        fact = eligibility.get_fact(self.cleaned_data["fact"])
        op = Op(self.cleaned_data["op"])
        data: dict[str, Any] = {"fact": self.cleaned_data["fact"], "op": str(op)}
        value = _typed_value(fact, op, self.cleaned_data.get("value") or "")
        if value is not None:
            data["value"] = value
        return {"not": data} if self.cleaned_data.get("negate") else data


def _one(fact: eligibility.Fact, text: str) -> Any:
    if fact.kind == ValueKind.INT and text.isascii() and text.isdigit():
        return int(text)
    if fact.kind == ValueKind.CHOICE:
        by_label = {label: value for value, label in fact.choice_labels().items()}
        return by_label.get(text, text)
    return text


def _typed_value(fact: eligibility.Fact | None, op: Op, text: str) -> Any:
    if fact is None or op in eligibility.registry.NO_VALUE_OPS:
        return None
    parts = [part for part in SEPARATORS.split(text.strip()) if part]
    if op in eligibility.registry.LIST_OPS or op == Op.BETWEEN:
        return [_one(fact, part) for part in parts]
    return _one(fact, text.strip()) if text.strip() else None


def _value_text(fact: eligibility.Fact | None, value: Any) -> str:
    if value is None:
        return ""
    labels = fact.choice_labels() if fact and fact.kind == ValueKind.CHOICE else {}
    items = value if isinstance(value, list) else [value]
    return "、".join(labels.get(item, str(item)) for item in items)


ConditionFormSet = forms.formset_factory(ConditionForm, extra=0, can_delete=True, max_num=50)


class RuleBuilder:
    """The combine choice and the rows, bound to posted data or opened on a rule.

    `builder.is_valid()` checks every row (errors shown on the row) and then the whole rule;
    `builder.rule` is the parsed rule. A post of the "add a row" button is never valid: the
    page shows the form again with one more row.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        rule: eligibility.Rule | None = None,
        prefix: str = "rule",
    ) -> None:
        self.prefix = prefix
        self.add_name = f"{prefix}-add"
        self.adding = data is not None and self.add_name in data
        self.rule: eligibility.Rule | None = None
        self.error = ""
        rows_prefix = f"{prefix}-rows"
        if data is not None and self.adding:
            data = data.copy()
            total = f"{rows_prefix}-TOTAL_FORMS"
            data[total] = str(min(int(data.get(total) or 0), 49) + 1)
        initial_combine, rows = ("all", [{}]) if rule is None else _initial(rule)
        self.combine = CombineForm(data, prefix=prefix, initial={"combine": initial_combine})
        self.rows = ConditionFormSet(
            data, prefix=rows_prefix, initial=None if data is not None else rows
        )

    @property
    def facts(self) -> list[dict[str, Any]]:
        """For the page's help: each fact's operators and the values it takes."""
        hints = {
            ValueKind.INT: _("a whole number"),
            ValueKind.DATE: _("a date such as 2025-01-31"),
            ValueKind.ORG: _("a union's code"),
            ValueKind.REGION: _("a region code such as 410100"),
            ValueKind.CREDIT_CODE: _("a unified social credit code"),
        }
        return [
            {
                "label": fact.label,
                "ops": [eligibility.OP_LABELS[op] for op in fact.ops],
                "choices": list(fact.choice_labels().values()),
                "hint": hints.get(fact.kind, ""),
            }
            for fact in eligibility.catalogue()
        ]

    @staticmethod
    def fits(rule: eligibility.Rule) -> bool:
        """Whether the builder can show the rule: one group of conditions, each maybe negated."""
        if isinstance(rule, Leaf) or (isinstance(rule, Not) and isinstance(rule.item, Leaf)):
            return True
        return isinstance(rule, Group) and all(
            RuleBuilder.fits(item) and not isinstance(item, Group) for item in rule.items
        )

    def is_valid(self) -> bool:
        if self.adding or not (self.combine.is_valid() and self.rows.is_valid()):
            return False
        conditions = []
        for row in self.rows.forms:
            if not row.cleaned_data.get("fact") or row.cleaned_data.get("DELETE"):
                continue
            condition = row.condition()
            try:
                eligibility.parse_rule(condition)
            except RuleViolation as error:
                row.add_error("value", error.message)
                continue
            conditions.append(condition)
        if any(row.errors for row in self.rows.forms):
            return False
        data = {self.combine.cleaned_data["combine"]: conditions} if conditions else {}
        try:
            self.rule = eligibility.parse_rule(data)
        except RuleViolation as error:
            self.error = error.message
            return False
        return True

    def rule_data(self) -> dict[str, Any]:
        assert self.rule is not None, "call is_valid() first"
        return eligibility.rule_data(self.rule)


def _initial(rule: eligibility.Rule) -> tuple[str, list[dict[str, Any]]]:
    if not RuleBuilder.fits(rule):
        raise ValueError("this rule nests groups: edit it through the API")
    combine, items = (rule.combine, rule.items) if isinstance(rule, Group) else ("all", (rule,))
    rows: list[dict[str, Any]] = []
    for item in items:
        negate = isinstance(item, Not)
        leaf = item.item if isinstance(item, Not) else item
        assert isinstance(leaf, Leaf)
        rows.append(
            {
                "negate": negate,
                "fact": leaf.fact,
                "op": str(leaf.op),
                "value": _value_text(eligibility.get_fact(leaf.fact), leaf.value),
            }
        )
    return str(combine), rows or [{}]
