"""The worker sheet (职工名册) and the set-based engine that imports it at province scale.

A union's sheet of a million workers is read once, streaming, in chunks of CHUNK_ROWS rows:

1. Check and stage. Each chunk is parsed and checked in Python (ID numbers, phones, dates,
   codes), its ID and bank numbers are encrypted and blind-indexed, and the prepared rows go
   into a TEMPORARY stage table; row errors and the batch's counters are committed with the
   chunk, so the page and the CLI show progress. Big files are checked by a pool of worker
   processes while this one writes. Nothing of the registry is touched yet.
2. Final checks, set-based on the stage table: the same ID twice in the file (an error
   naming the first row), IDs already registered in the province outside the importing
   union's subtree (an error naming the owning union, the number masked), credit codes
   without an employer name.
3. Merge: one transaction, a handful of INSERT … SELECT / UPDATE … FROM statements, writes
   the employers, new workers, changed workers (an ID already kept in the subtree is an
   update: re-importing a sheet updates rather than duplicates), name search keys and
   occupations, the batch's counts and one `people.imported` audit event. A row whose ID is
   registered under another name is not an update: it waits in ImportReview for the union
   to accept or refuse (reviewing). Every updated worker gets its own `worker.updated`
   event, written by the same code as services.update_worker's (before/after, masked).

Why a stage table and not one transaction over the whole file (docs/decisions/0004-worker-
import-stage-and-merge.md, with measurements): the registry is written by one transaction
either way, but staging keeps SQLite's single write lock free while the slow Python part
runs (other users keep working, and the progress rows can be committed), and a crash or kill
before the merge leaves nothing behind: the stage is a temporary table and dies with the
connection. A crash inside the merge rolls it back. Either way the import can be run again.
"""

# The modules, in the order an import runs through them: sheet (the spec), cutting (a CSV into
# pieces), preparing (checking rows), staging (the stage table and final checks), writing and
# merging (into the registry), running (one batch); then batches (starting, retrying, reading
# them), export (template and export) and cli. Their public names are re-exported here.
from .batches import (
    SAFE_SUFFIX,
    STALLED_AFTER,
    can_retry,
    get_import_batch_for,
    is_stalled,
    may_import,
    retry_import_batch,
    run_import_batch,
    start_worker_import,
    visible_import_batches,
)
from .cli import import_workers_cli
from .cutting import CsvPiece, csv_pieces, csv_pieces_fit, csv_records
from .export import EXPORT_SHEET_TITLE, export_workers, write_worker_template
from .merging import ADVISORY_LOCK, MERGE_CACHE_KIB, REBUILD_MIN_ROWS, REBUILD_SHARE, _Stage
from .preparing import (
    IN_FLIGHT_PER_PROCESS,
    RECORD,
    STAGE_COLUMNS,
    UNIT,
    PreparedChunk,
    RowPreparer,
    pack_rows,
    prepared_chunks,
)
from .running import (
    CHUNK_ROWS,
    MAX_POOL_PROCESSES,
    POOL_MIN_ROWS,
    SPARSE_ERROR_SHEET_ROWS,
    UPLOAD_DIR,
    ImportAborted,
    WorkerImport,
    estimate_rows,
    stage_chunk,
)
from .sheet import (
    COMPACT_DATE,
    DATE_PARTS,
    HEADERS,
    MAX_OCCUPATION_TAGS,
    OCCUPATION_SEPARATORS,
    SHEET_TITLE,
    SheetContext,
    parse_bank_account,
    parse_date,
    parse_phone,
    sheet_context,
    split_occupations,
    worker_sheet,
)

__all__ = [
    "ADVISORY_LOCK",
    "CHUNK_ROWS",
    "COMPACT_DATE",
    "DATE_PARTS",
    "EXPORT_SHEET_TITLE",
    "HEADERS",
    "IN_FLIGHT_PER_PROCESS",
    "MAX_OCCUPATION_TAGS",
    "MAX_POOL_PROCESSES",
    "MERGE_CACHE_KIB",
    "OCCUPATION_SEPARATORS",
    "POOL_MIN_ROWS",
    "REBUILD_MIN_ROWS",
    "REBUILD_SHARE",
    "RECORD",
    "SAFE_SUFFIX",
    "SHEET_TITLE",
    "SPARSE_ERROR_SHEET_ROWS",
    "STAGE_COLUMNS",
    "STALLED_AFTER",
    "UNIT",
    "UPLOAD_DIR",
    "CsvPiece",
    "ImportAborted",
    "PreparedChunk",
    "RowPreparer",
    "SheetContext",
    "WorkerImport",
    "_Stage",
    "can_retry",
    "csv_pieces",
    "csv_pieces_fit",
    "csv_records",
    "estimate_rows",
    "export_workers",
    "get_import_batch_for",
    "import_workers_cli",
    "is_stalled",
    "may_import",
    "pack_rows",
    "parse_bank_account",
    "parse_date",
    "parse_phone",
    "prepared_chunks",
    "retry_import_batch",
    "run_import_batch",
    "sheet_context",
    "split_occupations",
    "stage_chunk",
    "start_worker_import",
    "visible_import_batches",
    "worker_sheet",
    "write_worker_template",
]
