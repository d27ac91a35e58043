"""Modules stay small enough to read: none over 600 lines, no function over 80.

Counted in nuanjia/ outside tests/ and migrations/; a function's length runs from its first
decorator to its last line (methods and nested functions count on their own). The apps in
PENDING_APPS are being split right now: what they have over the limits is reported as a
warning in pytest's summary instead of failing the test.
"""

import ast
import warnings
from pathlib import Path

# Apps whose oversized modules are being split into packages (issue 11, item 3): reported,
# not failed. Empty this set once those splits have landed, so every app is held to the limits.
PENDING_APPS: set[str] = set()

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
SOURCE = Path(__file__).resolve().parent.parent / "nuanjia"
SKIPPED_DIRECTORIES = {"tests", "migrations"}


def production_modules() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if not SKIPPED_DIRECTORIES & set(path.relative_to(SOURCE).parts[:-1])
    )


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function longer than MAX_FUNCTION_LINES."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > MAX_FUNCTION_LINES:
                found.append((node.name, start, length))
    return found


def oversized() -> list[tuple[str, str]]:
    """(app, what is too long) for every module and function over the limits."""
    problems = []
    for path in production_modules():
        relative = path.relative_to(SOURCE.parent)
        app = path.relative_to(SOURCE).parts[0] if path.parent != SOURCE else ""
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            problems.append((app, f"{relative} has {lines} lines"))
        for name, start, length in long_functions(source):
            problems.append((app, f"{relative}:{start} {name} is {length} lines"))
    return problems


def test_no_module_is_over_600_lines_and_no_function_over_80():
    problems = oversized()
    for app, problem in problems:
        if app in PENDING_APPS:
            warnings.warn(f"pending split ({app}): {problem}", stacklevel=1)
    assert [problem for app, problem in problems if app not in PENDING_APPS] == []


def test_the_walk_sees_the_apps_and_leaves_out_tests_and_migrations():
    modules = {str(path.relative_to(SOURCE)) for path in production_modules()}
    assert "people/imports/running.py" in modules and "cli.py" in modules
    assert not any("/tests/" in name or "/migrations/" in name for name in modules)
    apps = {path.name for path in SOURCE.iterdir() if path.is_dir()}
    assert apps >= PENDING_APPS, "a pending app was renamed or removed: update PENDING_APPS"


def test_a_function_is_measured_from_its_first_decorator():
    body = "\n".join(f"    x = {number}" for number in range(MAX_FUNCTION_LINES - 2))
    source = f"@first\n@second\ndef step():\n{body}\n"
    assert long_functions(source) == [("step", 1, MAX_FUNCTION_LINES + 1)]
    assert long_functions(source.replace("@first\n", "")) == []
