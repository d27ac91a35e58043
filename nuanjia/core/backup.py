"""Backups and restores of a whole installation: the database, the uploaded files and, where the
operator says so, the field-encryption keys (`nuanjia backup`, `nuanjia restore`).

An archive is one tar file (mode 0600):

- `manifest.json`: the format, when and from which database it was taken, the row count of
  every table, and the key probes (below);
- `database.sqlite3` (SQLite's online backup API: consistent while the server runs) or
  `database.pgdump` (`pg_dump --format=custom`, one snapshot);
- `media/…`: the uploaded files (documents, photos), without the day-old import error sheets;
- `keys` only when the operator chose to put the keys inside.

A backup without the keys that opened its data is useless, so the operator must choose where
they go: into a file of their own (`--keys-file`, kept apart from the archives), into the
archive, or nowhere because they are kept elsewhere already. The manifest holds a probe for
every field key and one for the blind-index key — a value sealed under each key and an index
computed with it — so a restore can tell, before it touches anything, whether a key set opens
this backup's data, and refuses one that does not.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection

from . import crypto
from .audit import record_event
from .imports.error_sheets import ERROR_SHEET_DIR

FORMAT = "nuanjia-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
KEYS_MEMBER = "keys"
MEDIA_PREFIX = "media/"
PROBE_TEXT = "nuanjia backup key probe"
PROBE_PURPOSE = "backup_probe"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class KeyPlace:
    """Where the operator chose to put the keys of a backup."""

    file: Path | None = None  # a keys file of its own
    inside: bool = False  # in the archive
    elsewhere: bool = False  # nowhere: they are kept apart already


# ---- keys ----------------------------------------------------------------------------------


def key_text() -> str:
    """The configured key set as key-file lines (the same lines work as environment variables)."""
    settings_of = crypto._configured  # the environment or settings, else the local key file
    field_keys = settings_of(crypto.FIELD_KEYS_VARIABLE)
    blind = settings_of(crypto.BLIND_INDEX_KEY_VARIABLE)
    if not field_keys:
        crypto.field_keyring()  # creates the local key file on first use
        values = crypto._read_key_file(Path(settings.VAR_DIR) / crypto.KEY_FILE_NAME)
        field_keys = values[crypto.FIELD_KEYS_VARIABLE]
        blind = values[crypto.BLIND_INDEX_KEY_VARIABLE]
    return (
        "# nuanjia field-encryption keys of a backup: keep them apart from the archives.\n"
        f"{crypto.FIELD_KEYS_VARIABLE}={field_keys}\n{crypto.BLIND_INDEX_KEY_VARIABLE}={blind}\n"
    )


def keyring_of(text: str, source: str) -> crypto.Keyring:
    """The keyring of key-file lines; BackupError when they are not a key set."""
    field_keys, blind = _key_lines(text)
    if not field_keys or not blind:
        raise BackupError(f"{source} holds no key set (both key lines are needed).")
    try:
        current, keys = crypto._parse_field_keys(field_keys, source)
        blind_key = crypto._decode_key(blind, crypto.BLIND_INDEX_KEY_VARIABLE, source, exact=False)
    except Exception as error:  # ImproperlyConfigured, with the line named
        raise BackupError(str(error)) from None
    ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
    return crypto.Keyring(
        current_key_id=current, ciphers=ciphers, blind_index_key=blind_key, source=source
    )


def key_probes(keyring: crypto.Keyring) -> dict[str, Any]:
    """A value sealed under every field key, and an index under the blind-index key."""
    sealed = {}
    for key_id in keyring.ciphers:
        one = crypto.Keyring(
            current_key_id=key_id, ciphers=keyring.ciphers,
            blind_index_key=keyring.blind_index_key, source=keyring.source,
        )  # fmt: skip
        sealed[key_id] = one.encrypt(PROBE_TEXT)
    return {"sealed": sealed, "index": keyring.blind_index(PROBE_TEXT, purpose=PROBE_PURPOSE)}


def check_opens(keyring: crypto.Keyring, probes: dict[str, Any]) -> None:
    """BackupError unless the keyring opens every probe of the backup."""
    for key_id, token in probes.get("sealed", {}).items():
        try:
            opened = keyring.decrypt(token)
        except crypto.UnknownKeyError:
            raise BackupError(
                f"The key set ({keyring.source}) lacks field key {key_id!r}, which this backup's "
                "data was sealed under: nothing was restored."
            ) from None
        except crypto.InvalidTokenError:
            opened = None
        if opened != PROBE_TEXT:
            raise BackupError(
                f"Field key {key_id!r} of the key set ({keyring.source}) is not the key this "
                "backup's data was sealed under: nothing was restored."
            )
    if keyring.blind_index(PROBE_TEXT, purpose=PROBE_PURPOSE) != probes.get("index"):
        raise BackupError(
            f"The blind-index key of the key set ({keyring.source}) is not this backup's: ID "
            "and phone lookups would find nothing. Nothing was restored."
        )


# ---- the database ------------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Rows per table of the database, for the manifest and the check after a restore."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 -- a table name the database listed, quoted
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _pg_environ() -> tuple[list[str], dict[str, str]]:
    """libpq options and environment for pg_dump / pg_restore on the default database."""
    db = connection.settings_dict
    options = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    environ = dict(os.environ)
    if db.get("PASSWORD"):
        environ["PGPASSWORD"] = str(db["PASSWORD"])
    return options, environ


def _run(command: list[str], environ: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 -- pg_dump/pg_restore with our own arguments
        command, env=environ, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump_database(target: Path) -> str:
    """The database into `target`; the archive member's name."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        options, environ = _pg_environ()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *options,
              "--file", str(target)], environ)  # fmt: skip
        return PG_MEMBER
    raise BackupError(f"No backup for a {connection.vendor} database.")


def _replay_pg_dump(source: Path) -> None:
    """Empty the schema and replay the dump, in one transaction. (`pg_restore --clean` drops
    each partition's keys one by one, which PostgreSQL refuses for a partitioned table's.)"""
    options, environ = _pg_environ()
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "restore.sql"
        _run(["pg_restore", "--no-owner", "--no-privileges", "--file", str(script),
              str(source)], environ)  # fmt: skip
        _run(["psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
              *options, "--command", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
              "--file", str(script)], environ)  # fmt: skip


def load_database(member: str, source: Path) -> None:
    """Replace the database's contents with the dump at `source` (the server must be stopped)."""
    connection.ensure_connection()
    if member == SQLITE_MEMBER and connection.vendor == "sqlite":
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
    elif member == PG_MEMBER and connection.vendor == "postgresql":
        connection.close()  # the restore drops and recreates what this session would hold
        _replay_pg_dump(source)
    else:
        raise BackupError(
            f"This backup holds {member}, and this installation runs {connection.vendor}: "
            "restore it into the same kind of database."
        )
    connection.close()  # the next query sees the restored database


# ---- media -------------------------------------------------------------------------------


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(f"{ERROR_SHEET_DIR}/"):
            yield path, MEDIA_PREFIX + relative


def _restore_media(archive: tarfile.TarFile) -> int:
    root = Path(settings.MEDIA_ROOT)
    restored = 0
    for member in archive.getmembers():
        if not (member.isfile() and member.name.startswith(MEDIA_PREFIX)):
            continue
        target = root / member.name.removeprefix(MEDIA_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        assert source is not None  # a regular file
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
        restored += 1
    return restored


# ---- the archive -------------------------------------------------------------------------


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(target: Path, *, keys: KeyPlace, by: Any = None) -> dict[str, Any]:
    """Write an archive of this installation to `target`; its manifest. The keys go where
    the operator chose; choosing nowhere at all is refused."""
    if sum((keys.file is not None, keys.inside, keys.elsewhere)) != 1:
        raise BackupError(
            "Say where the encryption keys go: --keys-file FILE, --keys-in-archive, or "
            "--keys-kept-elsewhere. A backup without its keys cannot be read."
        )
    text = key_text()
    keyring = keyring_of(text, "the configured keys")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "vendor": connection.vendor,
        "tables": table_counts(),
        "probes": key_probes(keyring),
        "keys": "inside" if keys.inside else "file" if keys.file else "elsewhere",
    }
    target = Path(target)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        dump = Path(work) / "database"
        member = dump_database(dump)
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            archive.add(dump, arcname=member)
            for path, name in _media_files():
                archive.add(path, arcname=name)
            if keys.inside:
                _add_bytes(archive, KEYS_MEMBER, text.encode("ascii"))
        os.chmod(partial, 0o600)
        if keys.file is not None:
            _write_private(Path(keys.file), text)
        os.replace(partial, target)
    record_event(None, "system.backup", by=by, changes={"keys": manifest["keys"]})
    return manifest


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.load(_member(archive, MANIFEST))
    except (KeyError, ValueError):
        raise BackupError("This is not a nuanjia backup (no manifest).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return dict(manifest)


def _member(archive: tarfile.TarFile, name: str) -> io.BufferedReader:
    handle = archive.extractfile(name)
    if handle is None:
        raise KeyError(name)
    return handle  # type: ignore[return-value]


def _restore_keyring(
    archive: tarfile.TarFile, keys_file: Path | None
) -> tuple[crypto.Keyring, str]:
    """The key set a restore uses: the file named, else the archive's, else the configured."""
    if keys_file is not None:
        text = Path(keys_file).read_text(encoding="ascii")
        return keyring_of(text, str(keys_file)), text
    with contextlib.suppress(KeyError):
        text = _member(archive, KEYS_MEMBER).read().decode("ascii")
        return keyring_of(text, "the keys inside the backup"), text
    text = key_text()
    return keyring_of(text, "the configured keys"), ""


def _key_lines(text: str) -> tuple[str, str]:
    """The two key values of key-file lines, comments and spacing aside."""
    values = dict(
        (name.strip(), value.strip())
        for name, separator, value in (line.partition("=") for line in text.splitlines())
        if separator and not name.lstrip().startswith("#")
    )
    return (
        values.get(crypto.FIELD_KEYS_VARIABLE, ""),
        values.get(crypto.BLIND_INDEX_KEY_VARIABLE, ""),
    )


def _keys_to_adopt(text: str) -> str:
    """The restored key set when it is not the configured one, after refusing where the keys
    come from the environment (the operator sets those); empty when nothing is to change."""
    if not text or _key_lines(text) == _key_lines(key_text()):
        return ""
    if crypto._configured(crypto.FIELD_KEYS_VARIABLE):
        raise BackupError(
            "This installation takes its keys from the environment, and they differ from the "
            "backup's: set NUANJIA_FIELD_KEYS and NUANJIA_BLIND_INDEX_KEY to the backup's keys "
            "first. Nothing was restored."
        )
    return text


def _adopt_keys(text: str) -> None:
    """The restored key set becomes the local key file; the one it replaces is kept beside."""
    path = Path(settings.VAR_DIR) / crypto.KEY_FILE_NAME
    if path.exists():
        os.replace(path, path.with_name(f"{crypto.KEY_FILE_NAME}.before-restore"))
    _write_private(path, text)
    crypto._load_keyring.cache_clear()


def restore(source: Path, *, keys_file: Path | None = None, by: Any = None) -> dict[str, Any]:
    """Replace this installation's database and uploads with the archive's, after checking the
    key set opens its data; the manifest, with the tables whose counts differ (none when whole)."""
    with tarfile.open(source, "r") as archive:
        manifest = read_manifest(archive)
        keyring, text = _restore_keyring(archive, keys_file)
        check_opens(keyring, manifest["probes"])
        adopt = _keys_to_adopt(text)  # refuses before anything changes
        member = PG_MEMBER if PG_MEMBER in archive.getnames() else SQLITE_MEMBER
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / member
            with _member(archive, member) as handle, open(dump, "wb") as out:
                shutil.copyfileobj(handle, out)
            load_database(member, dump)
        if adopt:
            _adopt_keys(adopt)
        manifest["media_files"] = _restore_media(archive)
    counts = table_counts()
    manifest["differences"] = {
        name: (expected, counts.get(name))
        for name, expected in manifest["tables"].items()
        if counts.get(name) != expected
    }
    record_event(None, "system.restored", by=by, changes={"media_files": manifest["media_files"]})
    return manifest
