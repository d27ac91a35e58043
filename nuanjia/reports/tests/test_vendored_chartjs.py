"""Chart.js is installed from npm (vendor/chartjs: package.json and its lock) and its built
file is committed under the reports' static files, so the app needs no npm at run time. The
copies must be the files of the locked package: their SHA-256 is listed next to the lock's
integrity, and where npm can fetch the package its tarball is checked against that integrity
and the files in it against the copies."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "vendor" / "chartjs"


def _manifest() -> dict:
    return json.loads((VENDOR / "vendored.json").read_text())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_copies_are_the_locked_package_files():
    manifest = _manifest()
    lock = json.loads((VENDOR / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/chart.js"]
    declared = json.loads((VENDOR / "package.json").read_text())["dependencies"]["chart.js"]
    assert manifest["version"] == locked["version"] == declared
    assert manifest["integrity"] == locked["integrity"]
    for item in manifest["files"].values():
        copy = ROOT / item["copy"]
        assert _sha256(copy.read_bytes()) == item["sha256"], copy
    built = (ROOT / manifest["files"]["package/dist/chart.umd.js"]["copy"]).read_text()
    assert f"Chart.js v{manifest['version']}" in built[:200]


def test_the_package_matches_the_lock_integrity(tmp_path):
    """Fetch the tarball with npm (from its cache or the registry); skipped without npm."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    manifest = _manifest()
    spec = f"{manifest['package']}@{manifest['version']}"
    try:
        done = subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(tmp_path)],
            capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.skip("npm could not fetch the package in time")
    tarballs = list(tmp_path.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        pytest.skip(f"npm could not fetch {spec}: {done.stderr.strip()[:200]}")
    data = tarballs[0].read_bytes()
    algorithm, digest = manifest["integrity"].split("-", 1)
    assert base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest
    with tarfile.open(tarballs[0]) as archive:
        for name, item in manifest["files"].items():
            member = archive.extractfile(name)
            assert member is not None, name
            assert _sha256(member.read()) == _sha256((ROOT / item["copy"]).read_bytes()), name
