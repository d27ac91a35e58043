"""Every app's services and rules are type-checked strictly (pyproject's strict mypy section).

Those modules are what pages, the API, jobs and other apps call with statuses, roles and
`by=`; an app added later, or a services module turned into a package, must join the section.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nuanjia"
WHOLE = ("core", "funds", "orgs")  # strict as whole packages


def _strict_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for override in config["tool"]["mypy"]["overrides"]:
        if override.get("disallow_untyped_defs") and override.get("warn_return_any"):
            return set(override["module"])
    raise AssertionError("pyproject.toml has no strict mypy section")


def _services_and_rules() -> list[str]:
    found = []
    for app in sorted(path.parent.name for path in PACKAGE.glob("*/apps.py")):
        if app in WHOLE:
            continue
        for name in ("services", "rules"):
            if (PACKAGE / app / f"{name}.py").exists() or (PACKAGE / app / name).is_dir():
                found.append(f"nuanjia.{app}.{name}")
            if (PACKAGE / app / name).is_dir():
                found.append(f"nuanjia.{app}.{name}.*")
    return found


def test_every_services_and_rules_module_is_strict():
    strict = _strict_modules()
    assert {f"nuanjia.{app}.*" for app in WHOLE} <= strict
    missing = [module for module in _services_and_rules() if module not in strict]
    assert not missing, f"add to the strict mypy section of pyproject.toml: {missing}"


def test_no_disabled_error_codes_for_services_or_rules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    relaxed = [
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("disable_error_code") or override.get("ignore_errors")
        for module in override["module"]
        if module.split(".")[2:3] in (["services"], ["rules"])
    ]
    assert not relaxed, f"services and rules are typed, not excused: {relaxed}"
