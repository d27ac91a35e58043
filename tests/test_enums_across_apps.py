"""Statuses and roles cross app borders as their enums, never as bare strings.

A role is `orgs.rules.Role.APPROVER`, not "approver"; hotline asks whether relief's grant is
`relief.rules.Status.PAID`, not "paid". A typo in a bare string is a check that is silently
never true, and a renamed value is not found by a search for its enum member.

The check reads the source (AST): in a comparison with, or a keyword argument named like, a
status or role (`x.status == …`, `… in roles`, `state=…`), a string literal that is the value
of another app's enum (TextChoices or StrEnum) and of none of the module's own app is an
error. An app may still compare its own values in its constraints (a migration freezes them).
Tests and migrations are not checked.
"""

import ast
import enum
import importlib
import inspect
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nuanjia"
APPS = ("core", "orgs", "accounts", "desk", "standards", "people", "members", "hardship")
APPS += ("funds",)
APPS += ("relief", "hotline", "stations")
ENUM_MODULES = ("rules", "models", "payables", "workflow")

# Names that hold a status, a state, a kind or roles: compared with, or passed as, a value.
STATUS_NAMES = frozenset(
    {"status", "state", "kind", "payee_kind", "result", "role", "roles", "source_type", "queue"}
)


def _enums_of(module: object) -> list[type[enum.Enum]]:
    """The enums a module defines, also those nested in its classes (Model.Status)."""
    found = []
    for _name, value in inspect.getmembers(module, inspect.isclass):
        if value.__module__ != getattr(module, "__name__", None):
            continue
        if issubclass(value, enum.Enum):
            found.append(value)
        found.extend(
            nested
            for _nested_name, nested in inspect.getmembers(value, inspect.isclass)
            if issubclass(nested, enum.Enum) and nested.__module__ == value.__module__
        )
    return found


def enum_values_by_app() -> dict[str, set[str]]:
    """Every string value of every enum, by the app that owns the enum."""
    values: dict[str, set[str]] = {app: set() for app in APPS}
    for app in APPS:
        for name in ENUM_MODULES:
            try:
                module = importlib.import_module(f"nuanjia.{app}.{name}")
            except ModuleNotFoundError:
                continue
            for choices in _enums_of(module):
                values[app].update(str(m.value) for m in choices if isinstance(m.value, str))
    return values


def _names_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in STATUS_NAMES
    return isinstance(node, ast.Name) and node.id in STATUS_NAMES


def _literals(node: ast.AST) -> list[ast.Constant]:
    """String literals written as the value, or in a literal collection of values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [literal for element in node.elts for literal in _literals(element)]
    is_collection = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    if is_collection and node.args and node.func.id in {"frozenset", "set", "tuple", "list"}:
        return _literals(node.args[0])
    return []


def _status_literals(tree: ast.AST) -> list[ast.Constant]:
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_status(side) for side in sides):
                found.extend(literal for side in sides for literal in _literals(side))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in STATUS_NAMES:
                    found.extend(_literals(keyword.value))
    return found


def bare_values(source: str, app: str, values: dict[str, set[str]]) -> list[str]:
    """`line: "value" (owned by app, …)` for each bare value of another app's enum."""
    own = values.get(app, set())
    problems = []
    for literal in _status_literals(ast.parse(source)):
        owners = sorted(other for other, known in values.items() if literal.value in known)
        if literal.value and owners and literal.value not in own:
            problems.append(f'{literal.lineno}: "{literal.value}" (an enum value of {owners})')
    return problems


def _checked_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _app_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def test_statuses_and_roles_cross_apps_as_enums():
    values = enum_values_by_app()
    problems = [
        f"{path.relative_to(PACKAGE.parent)}:{problem}"
        for path in _checked_files()
        for problem in bare_values(path.read_text(), _app_of(path), values)
    ]
    assert not problems, "use the owning app's enum member:\n" + "\n".join(problems)


def test_the_check_catches_a_bare_role_and_a_bare_status_of_another_app():
    values = enum_values_by_app()
    source = (
        'if "approver" in roles:\n'
        '    ok = grant.status == "paid"\n'
        'items = grants.filter(status="proposed")\n'
        'same = line.result in ("paid", "failed")\n'
        'mine = ticket.status == "received"\n'
    )
    # Roles belong to orgs and grant statuses to relief: bare values in hotline. Its own
    # ticket status ("received") is not another app's.
    problems = bare_values(source, "hotline", values)
    assert sorted(problem.split(":")[0] for problem in problems) == ["1", "2", "3", "4", "4"]
    assert bare_values('ok = grant.status == "paid"\n', "relief", values) == []
    # A word that is no enum's value (or a blank choice) is left alone.
    assert bare_values('ok = job.status in ("no-such-value", "")\n', "hotline", values) == []
