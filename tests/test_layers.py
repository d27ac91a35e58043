"""The apps form layers: an app imports only from its own layer's app and the layers below.

Lowest first (docs/architecture.md): core → orgs → accounts, desk → standards → people →
members → hardship → funds → relief → hotline, stations, campaigns, produce, mutualaid, benefits, enterprises, counselling, skills, pioneers, modelworkers, reports → gigjobs. Apps sharing a layer do not import each other.
`nuanjia/cli.py`, `nuanjia/api.py` and the demo modules sit on top and may import anything. A
lower app lets a higher one follow through a signal or a registry that the higher app fills in
its AppConfig.ready(). Tests and migrations are not checked.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nuanjia"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("orgs",),
    ("accounts", "desk"),
    ("standards",),
    ("people",),
    ("members",),
    ("hardship",),
    ("funds",),
    ("relief",),
    (
        "hotline",
        "stations",
        "campaigns",
        "produce",
        "mutualaid",
        "benefits",
        "enterprises",
        "counselling",
        "skills",
        "pioneers",
        "modelworkers",
        "reports",
    ),
    ("gigjobs",),  # above hotline: a dispute opens a 12351 ticket through its service
)
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
TOP_MODULES = {"cli", "api", "demo", "demo_people"}  # nuanjia/<name>.py, and <app>/demo.py


def _module_parts(path: Path) -> list[str]:
    """nuanjia/hardship/views.py → ["nuanjia", "hardship", "views"]."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported_modules(tree: ast.AST, module: list[str], is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the tree, relative ones resolved."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module if is_package else module[:-1]
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if name == "nuanjia":  # from nuanjia import hardship
                found.extend((node.lineno, f"nuanjia.{alias.name}") for alias in node.names)
        elif _is_get_model(node):
            found.append((node.lineno, f"nuanjia.{node.args[0].value}"))
    return found


def _is_get_model(node: ast.AST) -> bool:
    """apps.get_model("relief", "Grant"): reaching a model by its app label is an import too."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_model"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def violations_in(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The upward or sideways imports of one module's source, e.g. module="nuanjia.people.queries"."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in TOP_MODULES or parts[1] not in LEVEL:
        return []
    if len(parts) > 2 and parts[2] == "demo":
        return []
    app = parts[1]
    problems = []
    for line, name in _imported_modules(ast.parse(source), parts, is_package):
        target = name.split(".")
        if target[0] != "nuanjia" or len(target) < 2 or target[1] == app:
            continue
        other = target[1]
        if other in TOP_MODULES or other not in LEVEL:
            if other in TOP_MODULES:
                problems.append(f"{module}:{line} imports {name} (the top level)")
            continue
        if LEVEL[other] > LEVEL[app]:
            problems.append(f"{module}:{line} imports {name} (a higher layer)")
        elif LEVEL[other] == LEVEL[app]:
            problems.append(f"{module}:{line} imports {name} (the same layer)")
    return problems


def _checked_files() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    )


def test_no_app_imports_upward_or_sideways():
    problems = []
    for path in _checked_files():
        parts = _module_parts(path)
        problems += violations_in(
            path.read_text(encoding="utf-8"), ".".join(parts), is_package=path.stem == "__init__"
        )
    assert problems == []


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps <= set(LEVEL), apps - set(LEVEL)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from nuanjia.hardship.queries import minimum_wage_for", "nuanjia.people.queries"),
        ("import nuanjia.desk.todo", "nuanjia.orgs.todo"),
        ("from nuanjia import relief", "nuanjia.funds.checks"),
        ("def f():\n    from nuanjia.relief.models import Grant", "nuanjia.funds.checks"),
        ("from ...relief import models", "nuanjia.funds.sub.checks"),
        ("apps.get_model('relief', 'Grant')", "nuanjia.funds.checks"),
        ("from nuanjia.stations.models import Station", "nuanjia.hotline.services"),
        ("from nuanjia.cli import main", "nuanjia.core.schedule"),
    ],
)
def test_the_checker_catches_a_violation(source, module):
    assert len(violations_in(source, module)) == 1


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from nuanjia.standards.queries import minimum_wage_for", "nuanjia.people.queries"),
        ("from nuanjia.core import todo\nfrom .rules import Perm", "nuanjia.orgs.todo"),
        ("from ..relief.models import Grant", "nuanjia.hotline.services"),
        ("from nuanjia.hotline.models import Ticket", "nuanjia.demo"),
        ("from nuanjia.hotline.models import Ticket", "nuanjia.relief.demo"),
        ("from django.apps import apps\napps.get_model('funds', 'Entry')", "nuanjia.relief.x"),
    ],
)
def test_the_checker_lets_downward_imports_pass(source, module):
    assert violations_in(source, module) == []
