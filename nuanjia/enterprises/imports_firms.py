"""The firms sheet (企业名录): one firm per row with its figures of a year; each row registers
or updates the firm (by its credit code) through services.register_firm and records its
figures (size classed by the national table). Errors name the row and column; by default
nothing is written unless every row is right. The export writes the same columns back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    CREATED,
    Column,
    Importer,
    ImportResult,
    ImportRow,
    Mode,
    SheetSource,
    SheetSpec,
    build_template,
    run_import,
)
from nuanjia.core.money import wan_to_fen

from . import services
from .rules import FirmKind, Industry

SHEET_TITLE = "企业名录"
KIND_NAMES = {"企业": FirmKind.FIRM.value, "个体工商户": FirmKind.INDIVIDUAL.value,
              "事业单位": FirmKind.INSTITUTION.value}  # fmt: skip
INDUSTRY_NAMES = {
    "农林牧渔业": Industry.FARMING, "工业": Industry.INDUSTRY, "建筑业": Industry.CONSTRUCTION,
    "批发业": Industry.WHOLESALE, "零售业": Industry.RETAIL, "交通运输业": Industry.TRANSPORT,
    "仓储业": Industry.WAREHOUSING, "邮政业": Industry.POSTAL, "住宿业": Industry.LODGING,
    "餐饮业": Industry.CATERING, "信息传输业": Industry.TELECOM,
    "软件和信息技术服务业": Industry.SOFTWARE, "房地产开发经营": Industry.REAL_ESTATE,
    "物业管理": Industry.PROPERTY_MANAGEMENT, "租赁和商务服务业": Industry.LEASING,
    "其他未列明行业": Industry.OTHER,
}  # fmt: skip
INDUSTRY_WORDS = {value.value: word for word, value in INDUSTRY_NAMES.items()}
KIND_WORDS = {value: word for word, value in KIND_NAMES.items()}
FIELD_COLUMNS = {
    "name": "name", "credit_code": "credit_code", "region_code": "region_code",
    "kind": "kind", "industry": "industry", "year": "year", "headcount": "headcount",
    "revenue": "revenue", "assets": "assets", "account": "account",
    "union_account": "union_account",
}  # fmt: skip


def _word(names: Mapping[str, str]):
    def parse(text: str) -> str:
        if text not in names:
            raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(names)})
        return str(names[text])

    return parse


def parse_code(text: str) -> str:
    return validate_credit_code(text)


def parse_whole(text: str) -> int:
    if not text.isdigit():
        raise ValidationError(_("Write a whole number."))
    return int(text)


def parse_wan(text: str) -> int:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Write an amount in 10,000 yuan, e.g. 350.5.")) from None
    if value < 0:
        raise ValidationError(_("A figure cannot be negative."))
    return wan_to_fen(value)


def parse_region(text: str) -> str:
    if len(text) != 6 or not text.isdigit():
        raise ValidationError(_("A region code has 6 digits."))
    return text


FIRM_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("单位名称", "name", required=True),
        Column("统一社会信用代码", "credit_code", required=True, parse=parse_code, text_only=True),
        Column("所在地区划代码", "region_code", required=True, parse=parse_region, text_only=True,
               note=gettext_lazy("The county's 6-digit code, e.g. 410108.")),
        Column("单位类型", "kind", required=True, parse=_word(KIND_NAMES), choices=tuple(KIND_NAMES)),
        Column("行业", "industry", required=True, parse=_word(INDUSTRY_NAMES),
               choices=tuple(INDUSTRY_NAMES)),
        Column("年度", "year", required=True, parse=parse_whole),
        Column("从业人员", "headcount", required=True, parse=parse_whole),
        Column("营业收入(万元)", "revenue", required=True, parse=parse_wan),
        Column("资产总额(万元)", "assets", parse=parse_wan),
        Column("开户名称", "account_name"),
        Column("银行账号", "account", text_only=True),
        Column("开户银行", "bank_name"),
        Column("工会账户名称", "union_account_name"),
        Column("工会银行账号", "union_account", text_only=True),
        Column("工会开户银行", "union_bank_name"),
    ),
    unique=(("credit_code",),),
)  # fmt: skip
ACCOUNT_KEYS = ("account_name", "account", "bank_name", "union_account_name", "union_account",
                "union_bank_name")  # fmt: skip


class FirmImporter(Importer):
    spec = FIRM_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, *, by, file_name: str = ""):
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        try:
            return self._register(row.values)
        except PermissionDenied:
            raise RuleViolation(
                _("This region is not in your union's area."), field="region_code"
            ) from None

    def _register(self, values: dict) -> str:
        accounts = {key: str(values.get(key) or "") for key in ACCOUNT_KEYS}
        firm = services.register_firm(
            name=values["name"],
            credit_code=values["credit_code"],
            region_code=values["region_code"],
            kind=values["kind"],
            industry=values["industry"],
            by=self.by,
            account_name=accounts["account_name"],
            account=accounts["account"],
            bank_name=accounts["bank_name"],
            union_account_name=accounts["union_account_name"],
            union_account=accounts["union_account"],
            union_bank_name=accounts["union_bank_name"],
        )
        services.record_figures(
            firm, year=values["year"], headcount=values["headcount"],
            revenue_fen=values["revenue"], assets_fen=values.get("assets") or None, by=self.by,
        )  # fmt: skip
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            None, "enterprises.firms_imported", by=self.by, org=self.by.org,
            changes=result.summary(self.file_name),
        )  # fmt: skip


def import_firms(file, *, by, mode: str = Mode.ALL_OR_NOTHING, file_name: str = "") -> ImportResult:
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, FirmImporter(by=by, file_name=file_name), mode=mode)


def write_firm_template(destination) -> None:
    instructions = _(
        "Firms: one firm per row, from row 3 down, with its figures of one year. Columns "
        "marked * are required; point at a column name to read how to fill it."
    )
    build_template(FIRM_SHEET, destination, instructions=instructions)
