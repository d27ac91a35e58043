"""The workflow engine: a model's states and steps, declared once.

From one `Workflow` declaration the engine derives what every app used to write by hand:
the transition map, the step's role check and scope check (hooks that `orgs` registers at
start-up: core imports nothing of ours), the row lock, the maker-checker check, the history
row and the audit event written in the same transaction, the audited refusal, and one
`take_step(obj, step, by=…, **fields)` that pages and the API both call.

A step either just moves the record (`Workflow.move`), or has a service of its own that the
app registers with `@FLOW.handler(step)`; that service opens `with FLOW.moving(obj, step,
by=by) as move:`, does its own work on `move.obj` (money, dates, other rows) and the engine
writes the status, the history row and the audit event when the block ends. Refusals raise
`RuleViolation` (a rule; nothing changed) or `PermissionDenied` (a role or scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, NoReturn, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .actors import Actor
from .audit import record_event
from .errors import RuleViolation

NOTE_MAX = 2000  # characters a step's note or reason may hold


# ---- Access hooks (registered by orgs) ------------------------------------------------------


class DenyHook(Protocol):
    def __call__(self, user: Any, permission: str, where: str = "") -> NoReturn: ...


@dataclass(frozen=True)
class AccessHooks:
    """How core learns a person's roles and reach, and refuses with an audit record."""

    roles_of: Callable[[Any], frozenset[str]]
    in_scope: Callable[[Any, Any], bool]
    deny: DenyHook


_access: list[AccessHooks] = []


def register_access(hooks: AccessHooks) -> None:
    """Called once by `orgs` at start-up; a second call replaces the first (tests)."""
    _access[:] = [hooks]


def access() -> AccessHooks:
    if not _access:
        raise ImproperlyConfigured("No access hooks: the orgs app registers them in ready().")
    return _access[0]


# ---- The declaration ------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A status a record can be in. `queue` names the roles in whose to-do list a record
    waiting here sits; a state with no queue is final (or not waiting on anyone)."""

    value: str
    queue: frozenset[str] = frozenset()

    @property
    def is_waiting(self) -> bool:
        return bool(self.queue)


@dataclass(frozen=True)
class Step:
    """One step: from which statuses, to which (one target, several the service chooses
    between, or none when the status stays), who may take it, and the people who may not
    (maker-checker: attribute names on the record, e.g. ``("proposed_by", "reviewed_by")``).

    `stamp` names the attribute set to the person taking the step (e.g. ``"reviewed_by"``);
    `reason` makes a note required and is the message when it is missing; `action` is the
    history's name for the step (default: the step's name). `roles_by_source` narrows who may
    take it from some sources (e.g. cancelling after approval is for approvers only): every
    check of role (offered steps, the audited refusal, the service's own check) reads it.
    """

    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    roles: frozenset[str]
    # Messages stay lazy: they are translated in the language of whoever is refused.
    not_by: tuple[tuple[str, str | Promise], ...] = ()
    stamp: str = ""
    reason: str | Promise = ""
    action: str = ""
    fields: tuple[str, ...] = ("note",)
    roles_by_source: tuple[tuple[str, frozenset[str]], ...] = ()

    def roles_from(self, source: str | None) -> frozenset[str]:
        """Who may take the step from `source` (any source when None: the widest roles)."""
        return dict(self.roles_by_source).get(str(source), self.roles) if source else self.roles

    @property
    def history_action(self) -> str:
        return self.action or self.name

    @property
    def target(self) -> str | None:
        """The one target, when there is exactly one."""
        return next(iter(self.targets)) if len(self.targets) == 1 else None


def step(
    name: str,
    *,
    sources: Iterable[str],
    target: str | Iterable[str] | None,
    roles: Iterable[str],
    not_by: Mapping[str, str | Promise] | None = None,
    stamp: str = "",
    reason: str | Promise = "",
    action: str = "",
    fields: Iterable[str] = ("note",),
    roles_by_source: Mapping[str, Iterable[str]] | None = None,
) -> Step:
    """Declare a step. `not_by` maps an attribute to the message shown when the person
    taking the step is the one recorded there; `roles_by_source` maps a source to the roles
    that may take the step from it (a subset of `roles`)."""
    targets = (
        frozenset()
        if target is None
        else frozenset({target} if isinstance(target, str) else target)
    )
    return Step(
        name=str(name),
        sources=frozenset(str(value) for value in sources),
        targets=frozenset(str(value) for value in targets),
        roles=frozenset(str(role) for role in roles),
        not_by=tuple((key, message) for key, message in (not_by or {}).items()),
        stamp=stamp,
        reason=reason,
        action=action,
        fields=tuple(fields),
        roles_by_source=tuple(
            (str(source), frozenset(str(role) for role in allowed))
            for source, allowed in (roles_by_source or {}).items()
        ),
    )


class HistoryRecorder(Protocol):
    def __call__(
        self,
        obj: Any,
        action: str,
        source: str,
        *,
        by: Actor | None,
        note: str,
        changes: dict[str, Any],
    ) -> Any: ...


# Every workflow declared, by name: read by the tests that check every waiting state has a
# queue that can act on it, and by the API and page helpers.
REGISTRY: dict[str, Workflow[Any, Any]] = {}

M = TypeVar("M", bound=models.Model)  # the record that moves
H = TypeVar("H", bound=models.Model)  # its history row
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Move(Generic[M]):
    """What a step's service works on inside `Workflow.moving`: the locked record, the target
    it chooses (when the step has several), and the figures the history row keeps."""

    obj: M
    step: Step
    source: str
    note: str
    target: str | None
    changes: dict[str, Any] = field(default_factory=dict)
    action: str = ""
    save_fields: list[str] | None = None


class Workflow(Generic[M, H]):
    """The lifecycle of one model, declared once (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str,
        model: type[M],
        history: type[H],
        history_fk: str,
        states: Iterable[State],
        steps: Iterable[Step],
        status_labels: type[models.TextChoices] | None = None,
        step_labels: type[models.TextChoices] | None = None,
        status_field: str = "status",
        org_field: str = "org",
        noun: str | Promise = "",
    ) -> None:
        self.name = name
        self.model = model
        self.history = history
        self.history_fk = history_fk
        self.states = {state.value: state for state in states}
        self.steps = {spec.name: spec for spec in steps}
        self.status_labels = status_labels
        self.step_labels = step_labels
        self.status_field = status_field
        self.org_field = org_field
        self.noun = noun
        self.handlers: dict[str, Callable[..., Any]] = {}
        self._check_declaration()
        self.transitions = self._derive_transitions()
        REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    # ---- derived from the declaration

    def _check_declaration(self) -> None:
        for spec in self.steps.values():
            unknown = (spec.sources | spec.targets) - set(self.states)
            if unknown:
                raise ImproperlyConfigured(f"{self.name}.{spec.name}: unknown states {unknown}")
            for source, allowed in spec.roles_by_source:
                if source not in spec.sources or not allowed <= spec.roles:
                    raise ImproperlyConfigured(
                        f"{self.name}.{spec.name}: roles_by_source[{source}] is not a source "
                        "of the step, or names roles the step does not have"
                    )

    def _derive_transitions(self) -> dict[str, frozenset[str]]:
        transitions: dict[str, set[str]] = {value: set() for value in self.states}
        for spec in self.steps.values():
            for source in spec.sources:
                transitions[source] |= spec.targets or {source}
        return {source: frozenset(targets) for source, targets in transitions.items()}

    def can_move(self, source: str, target: str) -> bool:
        return target in self.transitions.get(source, frozenset())

    def step(self, name: str) -> Step:
        try:
            return self.steps[str(name)]
        except KeyError:
            raise RuleViolation(_("Unknown step."), field="step", code="unknown_step") from None

    def sources(self, name: str) -> frozenset[str]:
        return self.step(name).sources

    def steps_from(self, status: str) -> list[Step]:
        return [spec for spec in self.steps.values() if status in spec.sources]

    def status_of(self, obj: Any) -> str:
        return str(getattr(obj, self.status_field))

    def org_of(self, obj: Any) -> Any:
        return getattr(obj, self.org_field)

    # ---- who may

    def role_may(self, roles: Iterable[str], name: str, source: str | None = None) -> bool:
        """Whether one of `roles` may take step `name` (from `source`, when given)."""
        spec = self.steps.get(str(name))
        return spec is not None and bool(spec.roles_from(source) & set(roles))

    def may_take(self, by: Actor | None, name: str, obj: Any = None) -> bool:
        """Whether `by` holds one of the step's roles (for a record: from its status) and, for
        a record, has it in scope."""
        hooks = access()
        source = None if obj is None else self.status_of(obj)
        if not self.role_may(hooks.roles_of(by), name, source):
            return False
        return obj is None or hooks.in_scope(by, self.org_of(obj))

    def steps_for(
        self, obj: Any, by: Actor | None, *, available: Callable[[Any, Step], bool] | None = None
    ) -> list[str]:
        """The steps `by` may offer on `obj` now, in declaration order."""
        roles = access().roles_of(by)
        status = self.status_of(obj)
        return [
            spec.name
            for spec in self.steps_from(status)
            if spec.roles_from(status) & roles and (available is None or available(obj, spec))
        ]

    def authorize(self, user: Actor | None, name: str, obj: Any = None, where: str = "") -> None:
        """For pages and the API, before the transaction: refuse (403) and keep the audit
        record of the refusal (it is written outside the step's transaction)."""
        if not self.may_take(user, name, obj):
            access().deny(user, f"{self.name}.{name}", where)

    def require(self, by: Actor | None, name: str, obj: Any) -> None:
        """Inside a service: the same check, refusing without a record (the caller's
        transaction would roll it back anyway)."""
        if by is not None and not self.may_take(by, name, obj):
            raise PermissionDenied

    # ---- rules of one step

    def label_status(self, value: str) -> str:
        labels = self.status_labels
        return str(labels(value).label) if labels and value in labels.values else value

    def label_step(self, name: str) -> str:
        labels = self.step_labels
        return str(labels(name).label) if labels and name in labels.values else name

    def check_source(self, obj: Any, spec: Step, target: str | None = None) -> None:
        status = self.status_of(obj)
        if status not in spec.sources or (target is not None and not self.can_move(status, target)):
            raise RuleViolation(
                _("A %(noun)s that is %(status)s cannot take the step “%(step)s”.")
                % {
                    "noun": self.noun or _("record"),
                    "status": self.label_status(status),
                    "step": self.label_step(spec.name),
                },
                code="invalid_transition",
            )

    @staticmethod
    def check_maker_checker(obj: Any, spec: Step, by: Actor | None) -> None:
        """Maker-checker: the person taking the step is none of the people named."""
        if by is None:
            return
        for attribute, message in spec.not_by:
            if getattr(obj, f"{attribute}_id", None) == by.pk:
                raise RuleViolation(str(message), code="maker_checker")

    @staticmethod
    def clean_note(spec: Step, note: str | None) -> str:
        text = (note or "").strip()
        if spec.reason and not text:
            raise RuleViolation(str(spec.reason), field="note")
        if len(text) > NOTE_MAX:
            raise RuleViolation(
                _("At most %(count)d characters.") % {"count": NOTE_MAX}, field="note"
            )
        return text

    # ---- writing

    def lock(self, obj: M) -> M:
        """Lock the record's row for this transaction and reload it."""
        manager = self.model._default_manager
        list(manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
        obj.refresh_from_db()
        return obj

    def record(
        self,
        obj: Any,
        action: str,
        source: str,
        *,
        by: Actor | None,
        note: str = "",
        changes: Mapping[str, Any] | None = None,
        actor_label: str = "",
    ) -> H:
        """One history row and one audit event, in the caller's transaction. `actor_label`
        names who acted when it is nobody's account (a member on the phone pages)."""
        clean = {key: _jsonable(value) for key, value in (changes or {}).items()}
        status = self.status_of(obj)
        row = self.history._default_manager.create(
            **{self.history_fk: obj},
            action=action,
            from_status=source,
            to_status=status,
            note=note,
            changes=clean,
            by=by if getattr(by, "is_authenticated", False) else None,
            at=timezone.now(),
        )
        audit: dict[str, Any] = {"status": [source, status], **clean}
        if note:
            audit["note"] = note[:200]
        record_event(
            obj,
            f"{self.name}.{action}",
            by=by,
            org=self.org_of(obj),
            changes=audit,
            actor_label=actor_label,
        )
        return row

    @contextmanager
    def moving(
        self, obj: M, name: str, *, by: Actor | None, note: str | None = ""
    ) -> Iterator[Move[M]]:
        """Lock, check role, scope, source and maker-checker, hand the step's service the
        record; when the block ends, set the status, save and write history and audit.

        Call it inside the service's transaction (`@transaction.atomic`).
        """
        spec = self.step(name)
        obj = self.lock(obj)
        self.require(by, spec.name, obj)
        self.check_source(obj, spec, spec.target)
        self.check_maker_checker(obj, spec, by)
        move = Move(
            obj=obj,
            step=spec,
            source=self.status_of(obj),
            note=self.clean_note(spec, note),
            target=spec.target,
        )
        yield move
        self._finish(move, by=by)

    def _finish(self, move: Move[M], *, by: Actor | None) -> None:
        obj, spec = move.obj, move.step
        target = move.target or move.source
        if spec.targets and target not in spec.targets:
            raise ImproperlyConfigured(f"{self.name}.{spec.name}: {target} is not a target")
        setattr(obj, self.status_field, target)
        if spec.stamp:
            setattr(obj, spec.stamp, by if getattr(by, "is_authenticated", False) else None)
        if move.save_fields is None:
            obj.save()
        else:
            fields = {self.status_field, *move.save_fields, *([spec.stamp] if spec.stamp else [])}
            if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
                fields.add("updated_at")
            obj.save(update_fields=sorted(fields))
        self.record(
            obj,
            move.action or spec.history_action,
            move.source,
            by=by,
            note=move.note,
            changes=move.changes,
        )

    def move(
        self,
        obj: M,
        name: str,
        *,
        by: Actor | None,
        note: str | None = "",
        changes: Mapping[str, Any] | None = None,
    ) -> M:
        """A step that only moves the record (with its note, stamp and history)."""
        with transaction.atomic(), self.moving(obj, name, by=by, note=note) as move:
            move.changes.update(changes or {})
        return move.obj

    # ---- one entry point for pages and the API

    def handler(self, name: str) -> Callable[[F], F]:
        """Register the service that takes step `name` (signature `(obj, *, by, **fields)`)."""
        spec = self.step(name)

        def register(function: F) -> F:
            self.handlers[spec.name] = function
            return function

        return register

    def take_step(
        self, obj: Any, name: str, *, by: Actor | None, where: str = "", **fields: Any
    ) -> Any:
        """Take step `name` on `obj` as `by`, with the step's fields (a note, a reason, an
        amount…): the one call pages and the API make. A refusal of role or scope is
        audited; a rule's refusal changes nothing."""
        spec = self.step(name)
        self.authorize(by, spec.name, obj, where)
        handler = self.handlers.get(spec.name)
        if handler is None:
            return self.move(obj, spec.name, by=by, note=fields.get("note", ""))
        return handler(obj, by=by, **fields)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def waiting_states_without_queue(flow: Workflow[Any, Any]) -> list[str]:
    """States a record can wait in whose queue roles cannot take any step from there: each
    must be empty for every workflow (a test reads every declaration)."""
    problems = []
    for value, state in flow.states.items():
        outgoing = flow.steps_from(value)
        if outgoing and not state.queue:
            problems.append(f"{flow.name}:{value} has steps but no queue")
        elif state.queue and not any(spec.roles_from(value) & state.queue for spec in outgoing):
            problems.append(f"{flow.name}:{value} queue {sorted(state.queue)} cannot act")
    return problems
