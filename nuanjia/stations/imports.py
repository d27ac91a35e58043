"""The station sheet (驿站): columns, checks and writes of the import, and the export.

Coordinates are read in the datum declared for the sheet on upload, or per row in the
坐标系 column when the sheet has one; a row whose 站点编码 is registered updates that station.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
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
    run_import,
    write_xlsx,
)
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import visible_orgs

from . import rules
from .models import Station
from .queries import visible_stations
from .services import (
    StationFields,
    check_station_fields,
    create_station,
    facility_lookup,
    may_keep,
    update_station,
)

SHEET_TITLE = "驿站"
# Sheet words (data, not UI: they stay Chinese).
OPERATOR_LABELS = {
    "自建": Station.Operator.SELF_BUILT.value,
    "共建": Station.Operator.CO_BUILT.value,
}
OPERATOR_NAMES = {value: label for label, value in OPERATOR_LABELS.items()}
YES_NO = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False}
STATUS_NAMES = {"open": "开放", "suspended": "暂停", "closed": "关闭"}
STANDARD_BY_NAME = {name: code for code, name in rules.STANDARD_ITEMS.items()}
# RuleViolation.field of check_station_fields -> the sheet column it concerns.
FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "address": "address",
    "region_code": "region_code",
    "operator": "operator",
    "partner_name": "partner_name",
    "lat": "lat",
    "lng": "lng",
    "opening_hours": "opening_hours",
    "facilities": "facilities",
    "standard_checks": "standard_checks",
    "phone": "phone",
    "org": "org_code",
    "datum": "datum",
}


def parse_number(text: str) -> float:
    try:
        return float(text.replace("，", ".").replace(" ", ""))
    except ValueError:
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}) from None


def parse_yes_no(text: str) -> bool:
    if text.upper() not in YES_NO:
        raise ValidationError(_("Write 是 or 否."))
    return YES_NO[text.upper()]


def parse_facilities(text: str) -> dict[str, int | None]:
    """ "饮水、热饭、休息座位数:8" → {"饮水": None, "热饭": None, "休息座位数": 8}."""
    facilities: dict[str, int | None] = {}
    for part in text.replace("，", "、").replace(",", "、").replace(";", "、").split("、"):
        part = part.strip()
        if not part:
            continue
        name, _sep, quantity = part.replace("：", ":").partition(":")
        number = None
        if quantity.strip():
            if not quantity.strip().isdigit():
                raise ValidationError(
                    _("“%(part)s”: the number after the colon must be whole.") % {"part": part}
                )
            number = int(quantity.strip())
        facilities[name.strip()] = number
    return facilities


def parse_standard(text: str) -> tuple[str, ...]:
    items = []
    for part in text.replace("，", "、").replace(",", "、").split("、"):
        part = part.strip()
        if not part:
            continue
        code = STANDARD_BY_NAME.get(part) or (part if part in rules.STANDARD_ITEMS else None)
        if code is None:
            raise ValidationError(
                _("Unknown checklist item “%(item)s”; use %(items)s.")
                % {"item": part, "items": "、".join(rules.STANDARD_ITEMS.values())}
            )
        items.append(code)
    return tuple(items)


def parse_datum(text: str) -> str:
    try:
        return rules.parse_datum(text)
    except RuleViolation as error:
        raise ValidationError(error.message) from None


def parse_hours(text: str) -> str:
    try:
        rules.parse_opening_hours(text)
    except RuleViolation as error:
        raise ValidationError(error.message) from None
    return text


STATION_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column(
            "站点编码",
            "code",
            required=True,
            parse=str.upper,
            note=gettext_lazy(
                "Unique code of the station, e.g. ZZ-HJ-001. A registered code updates that station."
            ),
        ),
        Column("站点名称", "name", required=True),
        Column(
            "主办工会代码",
            "org_code",
            required=True,
            parse=str.upper,
            note=gettext_lazy(
                "The code of the union that runs or sponsors the station: yours or one below it."
            ),
        ),
        Column(
            "运营方式",
            "operator",
            parse=OPERATOR_LABELS.__getitem__,
            choices=tuple(OPERATOR_LABELS),
        ),
        Column("共建单位", "partner_name", note=gettext_lazy("Required for a co-built station.")),
        Column("地址", "address", required=True),
        Column(
            "行政区划代码",
            "region_code",
            required=True,
            note=gettext_lazy("6 digits (GB/T 2260), e.g. 410108."),
        ),
        Column(
            "纬度",
            "lat",
            required=True,
            parse=parse_number,
            note=gettext_lazy("Latitude first, e.g. 34.7466."),
        ),
        Column(
            "经度", "lng", required=True, parse=parse_number, note=gettext_lazy("e.g. 113.6254.")
        ),
        Column(
            "坐标系",
            "datum",
            parse=parse_datum,
            choices=tuple(rules.DATUM_NAMES.values()),
            note=gettext_lazy(
                "WGS-84, GCJ-02 (高德/腾讯) or BD-09 (百度); empty: the one chosen on upload."
            ),
        ),
        Column(
            "设施",
            "facilities",
            parse=parse_facilities,
            note=gettext_lazy("Separated by 、 e.g. 饮水、热饭、休息座位数:8"),
        ),
        Column(
            "开放时间",
            "opening_hours",
            parse=parse_hours,
            note=gettext_lazy("e.g. 周一至周五 07:00-20:00; 周六,周日 09:00-17:00, or 24小时."),
        ),
        Column("节假日闭站", "closed_on_holidays", parse=parse_yes_no, choices=("是", "否")),
        Column(
            "四有六有",
            "standard_checks",
            parse=parse_standard,
            note=gettext_lazy("Items met, separated by 、 e.g. 有标识、有固定场所、有设施、有制度"),
        ),
        Column("地图发布", "is_published", parse=parse_yes_no, choices=("是", "否")),
        Column("联系电话", "phone"),
    ),
    unique=(("code",),),
)
EXPORT_HEADER = (*(column.header for column in STATION_SHEET.columns), "状态")


class StationImporter(Importer):
    """Creates stations, or updates the one with the row's code, under the importer's union."""

    spec = STATION_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, *, by, datum: str, file_name: str = ""):
        self.by = by
        self.datum = datum
        self.file_name = file_name
        self.lookup = facility_lookup()

    def check(self, rows: list[ImportRow]) -> None:
        codes = {row.values.get("org_code") for row in rows} - {None}
        orgs = {org.code: org for org in visible_orgs(self.by).filter(code__in=codes)}
        station_codes = {row.values.get("code") for row in rows} - {None}
        existing = {
            s.code: s for s in Station.objects.filter(code__in=station_codes).select_related("org")
        }
        for row in rows:
            self._check_row(row, orgs, existing)

    def _check_row(self, row: ImportRow, orgs: dict[str, Org], existing) -> None:
        values = row.values
        org = orgs.get(str(values.get("org_code") or ""))
        if "org_code" in values and (org is None or not may_keep(self.by, org)):
            row.add_error(
                "org_code",
                _("Unknown union code %(code)s, or the union is not yours or below yours.")
                % {"code": values["org_code"]},
            )
        if not row.is_valid or org is None:
            return
        station = existing.get(values["code"])
        if station is not None and not may_keep(self.by, station):
            row.add_error(
                "code",
                _("Another union's station already uses the code %(code)s.")
                % {"code": values["code"]},
            )
            return
        lat, lng = values["lat"], values["lng"]
        datum = values.get("datum") or self.datum
        try:
            lat, lng = rules.check_coordinates(lat, lng)
            lat, lng = rules.to_wgs84(lat, lng, datum)
            if station is not None and rules.haversine_m(lat, lng, station.lat, station.lng) < 0.05:
                # An exported sheet read back: rounding to 7 decimals in another datum moves
                # the point by millimetres; keep the stored one rather than record a change.
                lat, lng = station.lat, station.lng
            fields = StationFields(
                code=values["code"],
                name=values["name"],
                org=org,
                address=values["address"],
                region_code=values["region_code"],
                lat=lat,
                lng=lng,
                operator=values.get("operator") or Station.Operator.SELF_BUILT,
                partner_name=values.get("partner_name") or "",
                opening_hours=values.get("opening_hours") or "24小时",
                closed_on_holidays=bool(values.get("closed_on_holidays")),
                is_published=values.get("is_published", True) not in (False,),
                phone=values.get("phone") or "",
                standard_checks=values.get("standard_checks") or (),
                facilities=values.get("facilities") or {},
            )
            row.context["checked"] = check_station_fields(
                fields, instance=station, lookup=self.lookup
            )
        except RuleViolation as error:
            self.refuse(row, error)
            return
        row.context.update(fields=fields, station=station)

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, lambda row: self._write_row(**row.context))

    def _write_row(self, *, fields: StationFields, station: Station | None, checked: dict) -> str:
        if station is None:
            create_station(fields, by=self.by, checked=checked)
            return CREATED
        before = _row_of(station)
        station = update_station(station, fields, by=self.by, checked=checked)
        return UNCHANGED if _row_of(station) == before else UPDATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.by.org,
            "stations.imported",
            by=self.by,
            changes=result.summary(self.file_name),
        )


def import_stations(file, *, by, mode: str, datum: str, file_name: str = "") -> ImportResult:
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, StationImporter(by=by, datum=datum, file_name=file_name), mode=mode)


def write_station_template(destination) -> None:
    instructions = _(
        "Rest stations: one station per row, from row 3 down. Columns marked * are required; "
        "point at a column name to read how to fill it. A row whose station code is registered "
        "updates that station."
    )
    build_template(STATION_SHEET, destination, instructions=instructions)


def _row_of(station: Station) -> tuple:
    facilities = "、".join(
        f"{row.facility.name}:{row.quantity}" if row.quantity is not None else row.facility.name
        for row in station.facility_rows.select_related("facility").order_by("facility__sort_order")
    )
    return (
        station.name,
        station.org_id,
        station.address,
        station.region_code,
        round(station.lat, 7),
        round(station.lng, 7),
        station.operator,
        station.partner_name,
        station.opening_hours,
        station.closed_on_holidays,
        tuple(station.standard_checks),
        station.is_published,
        station.phone,
        facilities,
    )


def export_stations(user, destination, *, datum: str = rules.WGS84) -> None:
    """The stations in the user's scope, in the import sheet's columns, coordinates in `datum`."""
    stations = visible_stations(user).prefetch_related("facility_rows__facility").order_by("code")

    def rows():
        for station in stations.iterator(chunk_size=2000):
            lat, lng = station.in_datum(datum)
            facilities = "、".join(
                f"{row.facility.name}:{row.quantity}"
                if row.quantity is not None
                else row.facility.name
                for row in sorted(station.facility_rows.all(), key=lambda r: r.facility.sort_order)
            )
            yield (
                station.code,
                station.name,
                station.org.code,
                OPERATOR_NAMES[station.operator],
                station.partner_name,
                station.address,
                station.region_code,
                round(lat, 7),
                round(lng, 7),
                rules.DATUM_NAMES[datum],
                facilities,
                station.opening_hours,
                "是" if station.closed_on_holidays else "否",
                "、".join(rules.STANDARD_ITEMS[item] for item in station.standard_checks),
                "是" if station.is_published else "否",
                station.phone,
                STATUS_NAMES[station.status],
            )

    write_xlsx(destination, title=SHEET_TITLE, header=EXPORT_HEADER, rows=rows())
