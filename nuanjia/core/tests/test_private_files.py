"""Files holding personal data are for the server's user alone: the embedded database with
its WAL, uploads, and the var/ folder."""

import stat

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_embedded_database_and_its_wal_are_private(tmp_path, django_db_blocker):
    path = tmp_path / "nuanjia.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    settings_dict = {**connections["default"].settings_dict, "NAME": str(path)}
    settings_dict.update(ENGINE="django.db.backends.sqlite3", OPTIONS={}, TEST={})
    wrapper = DatabaseWrapper(settings_dict, alias="private-files-test")
    with django_db_blocker.unblock():
        _open_twice(wrapper, path, tmp_path)


def _open_twice(wrapper, path, tmp_path) -> None:
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE t (x)")
        wrapper.close()
        wrapper.connect()  # the next connection finds the WAL file too
        assert _mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            extra = tmp_path / f"nuanjia.sqlite3{suffix}"
            if extra.exists():
                assert _mode(extra) == 0o600
    finally:
        wrapper.close()


def test_uploaded_files_are_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("people/photo.jpg", ContentFile(b"\xff\xd8\xff"))
    assert _mode(tmp_path / "media" / name) == 0o600
    assert _mode(tmp_path / "media" / "people") == 0o700


def test_the_var_folder_is_private():
    assert _mode(settings.VAR_DIR) == 0o700
