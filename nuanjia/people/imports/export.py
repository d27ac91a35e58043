"""The blank worker template and the masked export of workers in the sheet's columns."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nuanjia.core.imports import (
    build_template,
    write_xlsx,
)
from nuanjia.orgs.models import Org

from ..models import Worker
from .sheet import HEADERS, sheet_context, worker_sheet

EXPORT_SHEET_TITLE = "职工"


def write_worker_template(destination, *, org: Org, by) -> None:
    """The blank worker sheet: notes per column, dropdowns of occupations and the user's unions."""
    context = sheet_context(org, by)
    instructions = _(
        "Workers: one per row, from row 3 down. Columns marked * are required; point at a column "
        "name to read how to fill it. An ID number already kept by your union or one below it "
        "updates that record; a blank cell keeps what is recorded."
    )
    build_template(
        worker_sheet(context),
        destination,
        instructions=instructions,
        options={"union_code": sorted(context.unions)},
    )


def export_workers(workers: QuerySet[Worker], destination) -> None:
    """Workers in the import sheet's columns, numbers masked, every cell formula-safe.

    An export is for reading: ID, phone and bank numbers are masked, so it cannot be imported back
    as it is (the ID column would not parse), which is the point.
    """
    header = [*HEADERS.values(), "性别", "出生日期", "所属工会名称"]
    rows = (
        (
            worker.name,
            worker.id_number_masked,
            worker.phone_masked,
            worker.address,
            worker.employer.name if worker.employer else "",
            worker.employer.credit_code if worker.employer else "",
            "、".join(tag.name for tag in worker.occupations.all()),
            worker.union.code if worker.union else "",
            worker.joined_union_on.isoformat() if worker.joined_union_on else "",
            worker.member_card_number,
            worker.bank_name,
            worker.bank_account_masked,
            worker.get_gender_display() if worker.gender else "",
            worker.birth_date.isoformat() if worker.birth_date else "",
            worker.union.name if worker.union else "",
        )
        for worker in workers.select_related("employer", "union")
        .prefetch_related("occupations")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    write_xlsx(destination, title=EXPORT_SHEET_TITLE, header=header, rows=rows)
