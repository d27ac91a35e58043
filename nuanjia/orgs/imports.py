"""The grassroots-union sheet (基层工会): its columns, its checks and writes, its export."""

from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportResult,
    ImportRow,
    SheetSource,
    SheetSpec,
    build_template,
    duplicate_of,
    run_import,
    write_xlsx,
)

from .models import Org
from .queries import visible_orgs, within
from .services import check_grassroots_fields, create_grassroots_union, update_grassroots_union

SHEET_TITLE = "基层工会"
# The kinds as the unions write them in their sheets (data, not UI: they stay Chinese).
KIND_LABELS = {
    "企业工会": Org.Kind.ENTERPRISE.value,
    "产业工会": Org.Kind.INDUSTRY.value,
    "高校工会": Org.Kind.UNIVERSITY.value,
    "医院工会": Org.Kind.HOSPITAL.value,
    "社区（街道）工会": Org.Kind.COMMUNITY.value,
}
KIND_NAMES = {kind: label for label, kind in KIND_LABELS.items()}
STATUS_NAMES = {True: "正常", False: "停用"}
NAME_MAX_LENGTH: int = Org._meta.get_field("name").max_length or 0
# RuleViolation.field of the grassroots services -> the sheet column it concerns.
FIELD_COLUMNS = {
    "name": "name",
    "kind": "kind",
    "parent": "parent_code",
    "credit_code": "credit_code",
}


def parse_name(text: str) -> str:
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("The name can be at most %(max)d characters long.") % {"max": NAME_MAX_LENGTH}
        )
    return text


def parse_org_code(text: str) -> str:
    return text.upper()


GRASSROOTS_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column(
            "工会名称",
            "name",
            required=True,
            parse=parse_name,
            note=gettext_lazy("The union's full name, e.g. 郑州某某餐饮有限公司工会."),
        ),
        Column(
            "类型",
            "kind",
            required=True,
            parse=KIND_LABELS.__getitem__,
            choices=tuple(KIND_LABELS),
            note=gettext_lazy("Pick one from the list."),
        ),
        Column(
            "上级工会代码",
            "parent_code",
            required=True,
            parse=parse_org_code,
            note=gettext_lazy(
                "The code of the union it reports to, e.g. 410108 for 惠济区总工会: your own union or one below it."
            ),
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            parse=validate_credit_code,
            note=gettext_lazy("18 characters. A union's own code starts with 81."),
        ),
    ),
    unique=(("parent_code", "name"), ("credit_code",)),
)
EXPORT_HEADER = (
    *(column.header for column in GRASSROOTS_SHEET.columns[:3]),
    "上级工会名称",
    "工会代码",
    GRASSROOTS_SHEET.column("credit_code").header,
    "状态",
)
# Holding pools are bookkeeping, not unions a caseworker registers.
EXPORTED_KINDS = sorted(KIND_NAMES)


class GrassrootsImporter(Importer):
    """Creates or updates grassroots unions below the importing user's union.

    A row updates the union it matches, by credit code when the row has one that is
    registered, else by parent and name; otherwise it creates one. Parent codes outside
    the user's subtree get the same answer as unknown ones, so no name leaks.
    """

    spec = GRASSROOTS_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, *, by: Actor, file_name: str = "") -> None:
        self.by = by
        self.file_name = file_name
        self.first_row_of_union: dict[int, int] = {}

    # -- checking ------------------------------------------------------------------------

    def check(self, rows: list[ImportRow]) -> None:
        parent_codes = {row.values["parent_code"] for row in rows if "parent_code" in row.values}
        parents = {org.code: org for org in visible_orgs(self.by).filter(code__in=parent_codes)}
        credit_codes = {row.values.get("credit_code") for row in rows} - {None, ""}
        # Province-wide: a code is unique across the province, inside or outside the scope.
        holders = {org.credit_code: org for org in Org.objects.filter(credit_code__in=credit_codes)}
        names = {row.values["name"] for row in rows if "name" in row.values}
        namesakes = {
            (org.parent_id, org.name): org
            for org in Org.objects.filter(parent__in=list(parents.values()), name__in=names)
        }
        for row in rows:
            self._check_row(row, parents, holders, namesakes)

    def _check_row(
        self,
        row: ImportRow,
        parents: dict[str, Org],
        holders: dict[str, Org],
        namesakes: dict[tuple[int | None, str], Org],
    ) -> None:
        values = row.values
        parent = parents.get(values.get("parent_code") or "")
        if "parent_code" in values and parent is None:
            row.add_error(
                "parent_code",
                _("Unknown union code %(code)s, or the union is not yours or below yours.")
                % {"code": values["parent_code"]},
            )
        if parent is None or not row.is_valid:
            return  # a cell that did not parse, or a repeated row: already reported
        existing = self._match(row, parent, holders, namesakes)
        if not row.is_valid:
            return
        try:
            row.context["credit_code"] = check_grassroots_fields(
                parent=parent,
                name=values["name"],
                kind=values["kind"],
                credit_code=values["credit_code"] or (existing.credit_code if existing else ""),
                instance=existing,
            )
        except RuleViolation as error:
            self.refuse(row, error)
            return
        row.context.update(parent=parent, existing=existing)

    def _match(
        self,
        row: ImportRow,
        parent: Org,
        holders: dict[str, Org],
        namesakes: dict[tuple[int | None, str], Org],
    ) -> Org | None:
        """The union this row updates, or None to create one; adds an error on a conflict."""
        code = row.values["credit_code"]
        holder = holders.get(code) if code else None
        if holder is not None and not self._can_edit(holder):
            row.add_error(
                "credit_code",
                _("Another union already uses the credit code %(code)s.") % {"code": code},
            )
            return None
        if holder is not None and holder.parent_id != parent.pk:
            row.add_error(
                "credit_code",
                _(
                    "The union with the credit code %(code)s is under another parent union; an import cannot move it."
                )
                % {"code": code},
            )
            return None
        existing = holder or namesakes.get((parent.pk, row.values["name"]))
        if existing is None or not self._can_edit(existing):
            return None  # a namesake that cannot be edited is refused as a duplicate name
        first = self.first_row_of_union.setdefault(existing.pk, row.number)
        if first != row.number:
            row.add_error("name", duplicate_of(first))
        return existing

    def _can_edit(self, org: Org) -> bool:
        own = self.by.org
        return (
            own is not None
            and org.is_grassroots
            and org.kind != Org.Kind.HOLDING_POOL
            and org.is_within(own)
            and org != own
        )

    # -- writing -------------------------------------------------------------------------

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, lambda row: self._write_row(row.values, **row.context))

    def _write_row(
        self, values: dict[str, Any], *, parent: Org, existing: Org | None, credit_code: str
    ) -> str:
        if existing is None:
            create_grassroots_union(
                parent=parent,
                name=values["name"],
                kind=values["kind"],
                credit_code=credit_code,
                by=self.by,
            )
            return CREATED
        if (existing.name, existing.kind, existing.credit_code) == (
            values["name"],
            values["kind"],
            credit_code,
        ):
            return UNCHANGED
        update_grassroots_union(
            existing,
            name=values["name"],
            kind=values["kind"],
            credit_code=credit_code,
            is_active=existing.is_active,
            by=self.by,
        )
        return UPDATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.by.org,
            "orgs.imported",
            by=self.by,
            changes=result.summary(self.file_name),
        )


def import_grassroots_unions(
    file: BinaryIO, *, by: Actor, mode: str, file_name: str = ""
) -> ImportResult:
    """Import a sheet of grassroots unions below `by`'s union (see GrassrootsImporter)."""
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, GrassrootsImporter(by=by, file_name=file_name), mode=mode)


def write_grassroots_template(destination: Any) -> None:
    instructions = _(
        "Grassroots unions: one union per row, from row 3 down. Columns marked * are required; "
        "point at a column name to read how to fill it. A row whose union is already registered "
        "(same credit code, or same parent and name) updates it."
    )
    build_template(GRASSROOTS_SHEET, destination, instructions=instructions)


def export_grassroots_unions(user: Actor, org: Org, destination: Any) -> None:
    """The grassroots unions of `org`'s subtree that `user` can see, as the import sheet reads them."""
    unions = (
        visible_orgs(user)
        .filter(within(org.path), kind__in=EXPORTED_KINDS)
        .select_related("parent")
        .order_by("path")
    )
    rows = (
        (
            union.name,
            KIND_NAMES[union.kind],
            union.parent.code if union.parent else "",
            union.parent.name if union.parent else "",
            union.code,
            union.credit_code,
            STATUS_NAMES[union.is_active],
        )
        for union in unions.iterator(chunk_size=2000)
    )
    write_xlsx(destination, title=SHEET_TITLE, header=EXPORT_HEADER, rows=rows)
