"""The import framework: read a sheet (xlsx or CSV) against a column spec, check every row, write in one transaction.

Also the xlsx writers every import and export shares: templates, error sheets and
formula-safe exports.

An import reads the file twice, streaming both times. The first pass parses and checks every
row without writing, so a refused all-or-nothing import never takes a write lock. The second
pass, inside one `transaction.atomic()`, checks the rows that passed again (the database may
have moved on) and writes them. Rows go to the sheet's importer in chunks so it can look things
up set-based, one query per chunk; only the errors and the keys that must be unique in the file
are kept in memory.

`run_import_once` is the variant for big sheets imported in the background: one pass, each
chunk checked and written inside the one transaction as it is read (the file is parsed and
checked once; the write lock is held meanwhile).
"""

# One module per subject: spec (columns), rows (rows and errors), reading, results, running,
# error_sheets (kept for download), xlsx (writers). Their public names are re-exported here.
from .error_sheets import (
    ERROR_SHEET_DIR,
    ERROR_SHEET_MAX_AGE,
    ERROR_SHEET_TOKEN,
    SHOWN_ERRORS,
    deny_as_missing,
    error_sheet_path,
    error_sheet_response,
    imported_context,
    owned_error_sheet,
    result_context,
    save_error_sheet,
    save_owned_sheet,
    template_response,
)
from .reading import (
    CHUNK_SIZE,
    HEADER_SCAN_ROWS,
    SheetSource,
    UnreadableFile,
    cell_problem,
    cell_text,
    detect_encoding,
    find_layout,
    is_numeric_cell,
    numeric_cell_message,
    parse_row,
)
from .results import ERROR_COLUMN_HEADER, ImportResult, write_annotated_sheet
from .rows import CREATED, UNCHANGED, UPDATED, Importer, ImportRow, Layout, RowError, duplicate_of
from .running import (
    MAX_UPLOAD_MB,
    ImportForm,
    check_upload,
    commit_upload,
    run_import,
    run_import_once,
)
from .spec import Column, Mode, SheetSpec, plain_text
from .xlsx import (
    FORMULA_TRIGGERS,
    OPTIONS_SHEET_TITLE,
    TEMPLATE_ROWS,
    XLSX_CONTENT_TYPE,
    build_template,
    safe_cell,
    write_xlsx,
)

__all__ = [
    "CHUNK_SIZE",
    "CREATED",
    "ERROR_COLUMN_HEADER",
    "ERROR_SHEET_DIR",
    "ERROR_SHEET_MAX_AGE",
    "ERROR_SHEET_TOKEN",
    "FORMULA_TRIGGERS",
    "HEADER_SCAN_ROWS",
    "MAX_UPLOAD_MB",
    "OPTIONS_SHEET_TITLE",
    "SHOWN_ERRORS",
    "TEMPLATE_ROWS",
    "UNCHANGED",
    "UPDATED",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportForm",
    "ImportResult",
    "ImportRow",
    "Importer",
    "Layout",
    "Mode",
    "RowError",
    "SheetSource",
    "SheetSpec",
    "UnreadableFile",
    "build_template",
    "cell_problem",
    "cell_text",
    "check_upload",
    "commit_upload",
    "deny_as_missing",
    "detect_encoding",
    "duplicate_of",
    "error_sheet_path",
    "error_sheet_response",
    "find_layout",
    "imported_context",
    "is_numeric_cell",
    "numeric_cell_message",
    "owned_error_sheet",
    "parse_row",
    "plain_text",
    "result_context",
    "run_import",
    "run_import_once",
    "safe_cell",
    "save_error_sheet",
    "save_owned_sheet",
    "template_response",
    "write_annotated_sheet",
    "write_xlsx",
]
