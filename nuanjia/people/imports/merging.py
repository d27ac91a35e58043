"""The merge: one transaction of set-based SQL from the stage table into the registry."""

# ruff: noqa: S608
# The merge is SQL text by design: what is interpolated is only identifiers this package makes
# (stage table names from the batch id, column names from constants, the tag id → bit table
# from integers); every value a user typed travels as a query parameter.

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org

from ..models import OccupationTag
from .reviewing import UpdatedWorkers, keep_rows_to_review
from .sheet import SheetContext
from .staging import _timed
from .writing import StageWrites

# SQLite page cache for the merge (the default is 2 MB). It also bounds the sorter that builds
# indexes; measured on a million rows, 64 MB builds them as fast as 128 MB with 90 MB less.
MERGE_CACHE_KIB = 131_072
REBUILD_MIN_ROWS = 50_000  # SQLite: below this, rows go into the indexes one by one
REBUILD_SHARE = 0.25  # … and also when they add less than a quarter of the rows already there
ADVISORY_LOCK = 0x6E6A_696D  # "njim": PostgreSQL imports merge one at a time


class _merge_cache:
    """A bigger SQLite page cache while the merge writes into the registry's indexes."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.previous = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
        return self

    def __exit__(self, *exc_info):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous)}")
        return False


class _Stage(StageWrites):
    """The stage table with the merge: the writes into the registry, inside one transaction."""

    def merge(
        self, *, org: Org, by, context: SheetContext, employers: list[tuple], rebuild: bool
    ) -> dict[str, int]:
        """Write every valid staged row into the registry; returns the counts."""
        now = timezone.now()
        params = {
            "org_id": org.pk,
            "region": org.region_code,
            "by_id": getattr(by, "pk", None),
            "batch_id": self.batch.pk,
            "now": connection.ops.adapt_datetimefield_value(now),
            "base_id": self._base_id(),
        }
        if self.is_postgresql:
            self._execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        with _timed("merge: employers"):
            self.insert_employers(employers, region=org.region_code)
        with _timed("merge: existing records"):
            self.classify_existing(context)
            updated = UpdatedWorkers(self)
            updated.read_before()
        if rebuild:
            with _timed("merge: references"):
                self.check_references(context)
        with self._indexes_rebuilt() if rebuild else contextlib.nullcontext():
            with _timed("merge: new workers"):
                self.insert_workers(params)
            with _timed("merge: changed workers"):
                self.update_workers(params)
            with _timed("merge: name keys"):
                self.write_name_keys(params, ordered=not rebuild)
            with _timed("merge: occupations"):
                self.write_occupations(params, context)
        with _timed("merge: audit of updated records, rows to review"):
            updated.record_after(by=by, actor_label="" if by is not None else "nuanjia import")
            keep_rows_to_review(self, context)
        with _timed("merge: counts"):
            return self.counts()

    def check_references(self, context: SheetContext) -> None:
        """With foreign-key checks off (a big SQLite load, see `rebuild_pays`), make sure the
        unions and tags the rows name still exist; the other references are the merge's own."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT COUNT(*) FROM {self.table} s WHERE s.has_error = 0
                    AND s.union_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM orgs_org o WHERE o.id = s.union_id)"""
            )
            missing = cursor.fetchone()[0]
        tags = set(
            OccupationTag.objects.filter(pk__in=list(context.tag_bits)).values_list("pk", flat=True)
        )
        if missing or tags != set(context.tag_bits):
            raise RuleViolation(
                _(
                    "A union or occupation named in the sheet was removed meanwhile; run the import again."
                )
            )

    @contextlib.contextmanager
    def _indexes_rebuilt(self) -> Iterator[None]:
        """SQLite, big loads: drop the registry's secondary indexes, write, then build them again.

        Adding a row to a B-tree at a random place costs SQLite a page search per index (13 on
        people_worker), and beyond the page cache a read; building an index afresh is one
        sort. On a million rows the write with the indexes in place took 33 s for workers and
        29 s for name keys, the rebuild 14 s for all of them (docs/decisions/0004-worker-
        import-stage-and-merge.md). It is all one transaction: readers keep the old snapshot,
        a failure rolls the indexes back too. The indexes are recreated from their own
        definitions in sqlite_master, whoever made them. Not on PostgreSQL, where dropping an
        index locks the table against readers.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT m.name, m.sql FROM sqlite_master m
                   WHERE m.type = 'index' AND m.sql IS NOT NULL
                   AND m.tbl_name IN ('people_worker', 'people_workernamekey')
                   AND NOT (m.tbl_name = 'people_worker' AND (
                       SELECT group_concat(i.name) FROM pragma_index_info(m.name) i
                   ) IN ('org_id', 'created_by_id'))"""
            )
            # Kept: indexes on the batch's own org and actor (one value: new entries go at the
            # end, as they do in the occupations table, written in worker order).
            indexes = cursor.fetchall()
            with _timed("merge: indexes dropped"):
                for name, _sql in indexes:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with _timed("merge: indexes built"), connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)

    def rebuild_pays(self) -> bool:
        """Whether to rebuild the indexes (see `_indexes_rebuilt`): SQLite, and the batch adds
        REBUILD_MIN_ROWS or more, and at least REBUILD_SHARE of the rows already there.

        Such a merge also runs with SQLite's foreign-key checks off: each check is a look-up
        of the parent row, which for a name key is a random read in the million-row worker
        table. Every reference the merge writes is its own (new worker ids, employers it just
        resolved, the batch's union) except unions and tags, which `check_references` checks.
        """
        if self.is_postgresql:
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} WHERE has_error = 0 AND existing_id IS NULL"
            )
            adding = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM people_worker")
            existing = cursor.fetchone()[0]
        return adding >= REBUILD_MIN_ROWS and adding >= existing * REBUILD_SHARE

    def _base_id(self) -> int:
        """SQLite: new workers take ids above every id ever used (AUTOINCREMENT semantics);
        the merge holds the write lock, so nobody else takes one meanwhile."""
        if self.is_postgresql:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM people_worker), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'people_worker'), 0))"
            )
            return cursor.fetchone()[0]
