"""A row lock says which rows it locks.

On PostgreSQL `SELECT … FOR UPDATE` locks a row of every table in the FROM clause, so
`select_for_update().select_related("org", "earmark")` also locks the joined union and
earmark rows. Every insert that references one of them (a transaction's `earmark_id`, an
event's union) then needs a KEY SHARE lock on it and waits: one earmark row locked by each
posting made every posting in the province wait for every other, across the audit chains
(issue 21). A lock that joins names its tables: `select_for_update(of=("self",))`, or the
parent too where locking it is the point (`of=("self", "activity")`, written out on purpose).
Tests and migrations are not checked.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nuanjia"


def _calls_in_chain(node: ast.expr) -> list[ast.Call]:
    """The method calls of a chain `a.b(…).c(…).d(…)`, outermost first."""
    calls = []
    while True:
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return calls


def _method(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _unnamed_joined_locks(tree: ast.AST) -> list[int]:
    """Lines of chains that lock with select_for_update() without `of=` and join tables
    by select_related."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        chain = _calls_in_chain(node)
        methods = {_method(call): call for call in chain}
        lock = methods.get("select_for_update")
        if lock is None or "select_related" not in methods:
            continue
        if not any(keyword.arg == "of" for keyword in lock.keywords):
            found.add(lock.lineno)
    return sorted(found)


def _offenders() -> list[str]:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(PACKAGE)}:{line}" for line in _unnamed_joined_locks(tree)]
    return offenders


def test_a_lock_that_joins_names_the_tables_it_locks():
    assert _offenders() == []


def test_the_check_finds_a_joined_lock_without_of():
    found = _unnamed_joined_locks(
        ast.parse("x = A.objects.select_for_update().select_related('org').get(pk=1)")
    )
    assert found == [1]
    named = _unnamed_joined_locks(
        ast.parse("x = A.objects.select_for_update(of=('self',)).select_related('org')")
    )
    assert named == []
