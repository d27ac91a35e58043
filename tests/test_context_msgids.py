"""Table headers never borrow the date filters' "From"/"To" (开始日期/结束日期): a table of
payers and payees or of transfers between unions gives its own context (issue 12 #19)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_FROM_TO_HEADER = re.compile(r'<th>\{% (?:translate|trans) "(?:From|To)" %\}</th>')


def test_no_table_header_uses_the_bare_from_or_to_msgid():
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("nuanjia/*/templates/**/*.html")]
        if BARE_FROM_TO_HEADER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
