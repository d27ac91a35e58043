"""The repository stands on its own: no file points at design notes kept outside it, every
relative link in the guides resolves, and every place docs/domain.md names exists.

docs/domain.md names a place as a repository path in backticks (`nuanjia/hardship/rules.py`);
a path followed by one space and a name in backticks (`nuanjia/hardship/rules.py`
`find_exclusions`) also says the name is defined at the top level of that module.
"""

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Written in pieces so that this file does not match itself.
OUTSIDE_POINTERS = (
    "shared" + "/docs",
    "DOMAIN" + ".md",
    "DESIGN" + ".md",
    "STYLE" + ".md",
)
PATH_PREFIXES = ("nuanjia", "config", "bench", "tests", "docs", "scripts")
PREFIX = "(?:" + "|".join(PATH_PREFIXES) + ")"
REPO_PATH = re.compile(r"`(" + PREFIX + r"/[^`\s]*)`")
PATH_AND_NAME = re.compile(r"`(" + PREFIX + r"/[^`\s]*\.py)` `([A-Za-z_][A-Za-z0-9_]*)`")
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
FENCED_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def tracked_files() -> list[Path]:
    """The files git tracks (what a clone gets); every file when git is not at hand."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        skipped = {".git", ".venv", "var", "node_modules"}
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file() and not skipped & set(path.relative_to(ROOT).parts)
        ]
    return [ROOT / name for name in listing.split("\0") if name]


def guides() -> list[Path]:
    """README.md, CONTRIBUTING.md and every Markdown file under docs/."""
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]


def relative_links(text: str) -> list[str]:
    """The link targets of a Markdown text that point inside the repository (code left out)."""
    prose = CODE_SPAN.sub("", FENCED_BLOCK.sub("", text))
    targets = MARKDOWN_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    return [
        target
        for target in targets
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)
        and not target.startswith("#")
    ]


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in relative_links(path.read_text(encoding="utf-8")):
        local = target.split("#", 1)[0]
        resolved = (path.parent / local).resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            broken.append(target)
    return broken


def top_level_names(module: Path) -> set[str]:
    """Functions, classes, assigned names and imported names at the top of a module."""
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def missing_places(text: str) -> list[str]:
    """The repository paths a text names that do not exist, and path-name pairs whose name
    the module does not define."""
    missing = [path for path in REPO_PATH.findall(text) if not (ROOT / path).exists()]
    for path, name in PATH_AND_NAME.findall(text):
        module = ROOT / path
        if module.is_file() and name not in top_level_names(module):
            missing.append(f"{path} {name}")
    return missing


def test_no_tracked_file_points_at_notes_outside_the_repository():
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (images, compiled catalogues) and vanished ones
        for number, line in enumerate(text.splitlines(), start=1):
            if any(pointer in line for pointer in OUTSIDE_POINTERS):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_guides_exist():
    for name in ("README.md", "CONTRIBUTING.md", "docs/domain.md", "docs/design.md"):
        assert (ROOT / name).is_file(), name


@pytest.mark.parametrize("path", guides(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(path):
    assert broken_links(path) == []


def test_every_place_the_domain_rules_name_exists():
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    assert len(REPO_PATH.findall(text)) > 50  # the rules name their places
    assert missing_places(text) == []


def test_the_checks_catch_a_broken_link_a_missing_path_and_an_undefined_name(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("[gone](nowhere.md) [web](https://example.org) [top](#top) `[code](x.md)`")
    assert broken_links(page) == ["nowhere.md"]
    text = (
        "`nuanjia/hardship/rules.py` `find_exclusions` "
        "`nuanjia/hardship/rules.py` `no_such_rule` `nuanjia/no_such_app/rules.py`"
    )
    assert missing_places(text) == [
        "nuanjia/no_such_app/rules.py",
        "nuanjia/hardship/rules.py no_such_rule",
    ]
