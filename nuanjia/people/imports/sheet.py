"""The worker sheet's spec: its columns, how each cell is parsed, what rows are checked against."""

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.codes import validate_credit_code
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import validate_id_number
from nuanjia.core.imports import (
    Column,
    SheetSpec,
)
from nuanjia.core.phones import MOBILE, validate_phone
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within

from ..models import OccupationTag
from ..services.cleaning import _bank_account, _date, _text

SHEET_TITLE = "职工名册"
MAX_OCCUPATION_TAGS = 62  # one bit each in the stage table's occupation mask (a bigint)
OCCUPATION_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
DATE_PARTS = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")

# The sheet's headers are the unions' own vocabulary: data, literal Chinese.
HEADERS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "address": "住址",
    "employer_name": "工作单位",
    "employer_credit_code": "统一社会信用代码",
    "occupations": "职业标签",
    "union_code": "所属工会代码",
    "joined_union_on": "入会日期",
    "member_card_number": "会员卡号",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
}


def _from_rule(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one of the registry services' cleaning helpers; its refusal becomes a cell error."""
    try:
        return check(*args, **kwargs)
    except RuleViolation as error:
        raise ValidationError(error.message) from None


def _text_of(max_length: int) -> Callable[[str], str]:
    """Text as the registry services clean it (spaces collapsed, a maximum length)."""

    def parse(text: str) -> str:
        collapsed = " ".join(text.split())
        if len(collapsed) <= max_length:
            return collapsed
        return _from_rule(_text, text, "", max_length)  # refuses it, with the services' message

    return parse


def parse_date(text: str, *, today: datetime.date) -> datetime.date:
    """A date as sheets write it (2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日, an
    Excel date cell), not before 1900 and not in the future (the registry's date rule)."""
    match = DATE_PARTS.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if match is None:
        return _from_rule(_date, text, "joined_union_on", not_after=today)  # says how to write it
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(_("The date %(date)s does not exist.") % {"date": text}) from None
    return _from_rule(_date, day, "joined_union_on", not_after=today)


def parse_phone(text: str) -> str:
    """A mobile number as validate_phone keeps it; one already in that form is taken as is."""
    return text if MOBILE.fullmatch(text) else validate_phone(text)


def parse_bank_account(text: str) -> str:
    return _from_rule(_bank_account, text)


def split_occupations(text: str) -> list[str]:
    """The occupation names of a cell, separated by 、 (or a comma, semicolon, slash, space)."""
    return [name for name in OCCUPATION_SEPARATORS.split(text) if name]


@dataclass(frozen=True)
class SheetContext:
    """What checking a row needs to know about the database, gathered once per import.

    Plain data, so worker processes get it whole: the active occupation tags with their bit
    in the stage table's mask, the grassroots unions a row may name (the importing union's
    subtree, within the actor's), the region code rows default to, and today.
    """

    today: datetime.date
    occupation_bits: dict[str, int] = field(default_factory=dict)  # active tag name -> bit
    tag_bits: dict[int, int] = field(default_factory=dict)  # every tag id -> bit
    unions: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (id, region)


def _parse_occupations(context: SheetContext) -> Callable[[str], int]:
    def parse(text: str) -> int:
        mask = 0
        for name in split_occupations(text):
            bit = context.occupation_bits.get(name)
            if bit is None:
                raise ValidationError(
                    _("%(name)s is not an occupation in the list.") % {"name": name}
                )
            mask |= bit
        return mask

    return parse


def _parse_union(context: SheetContext) -> Callable[[str], tuple[int, str]]:
    def parse(text: str) -> tuple[int, str]:
        code = text.upper()
        union = context.unions.get(code)
        if union is None:
            raise ValidationError(
                _("No grassroots union with the code %(code)s in your area.") % {"code": code}
            )
        return union

    return parse


def _parse_id_number(context: SheetContext) -> Callable[[str], Any]:
    def parse(text: str):
        return validate_id_number(text, today=context.today)

    return parse


def _parse_credit_code() -> Callable[[str], str]:
    known: dict[str, str] = {}  # employers repeat: check each code once per process

    def parse(text: str) -> str:
        code = known.get(text)
        if code is None:
            code = known[text] = validate_credit_code(text)
        return code

    return parse


def worker_sheet(context: SheetContext | None = None, tags: Sequence[str] = ()) -> SheetSpec:
    """The worker sheet's columns; with a context, parsing them checks against its lists."""
    context = context or SheetContext(today=timezone.localdate())
    tags = tuple(tags or context.occupation_bits)

    def column(key: str, **kwargs: Any) -> Column:
        return Column(HEADERS[key], key, **kwargs)

    return SheetSpec(
        title=SHEET_TITLE,
        columns=(
            column(
                "name",
                required=True,
                parse=_text_of(50),
                note=gettext_lazy("As on the ID card."),
            ),
            column(
                "id_number",
                required=True,
                text_only=True,
                parse=_parse_id_number(context),
                note=gettext_lazy(
                    "18 characters (an old 15-digit number is converted). Gender and birth date are read from it. A number already kept by your union or one below it updates that record."
                ),
            ),
            column(
                "phone",
                parse=parse_phone,
                note=gettext_lazy("11-digit mobile number; +86 and spaces are fine."),
            ),
            column("address", parse=_text_of(200)),
            column("employer_name", parse=_text_of(120)),
            column(
                "employer_credit_code",
                parse=_parse_credit_code(),
                note=gettext_lazy("The employer's 18-character unified social credit code."),
            ),
            column(
                "occupations",
                parse=_parse_occupations(context),
                suggestions=tags,
                note=gettext_lazy("One or more from the list, separated by 、"),
            ),
            column(
                "union_code",
                parse=_parse_union(context),
                note=gettext_lazy(
                    "The code of the grassroots union the worker is a member of: your union's or one below it."
                ),
            ),
            column(
                "joined_union_on",
                parse=lambda text: parse_date(text, today=context.today),
                note=gettext_lazy("For example 2024-03-01. Needs the union code."),
            ),
            column("member_card_number", parse=_text_of(30)),
            column("bank_name", parse=_text_of(60), note=gettext_lazy("For example 中国工商银行.")),
            column(
                "bank_account",
                text_only=True,
                parse=parse_bank_account,
                note=gettext_lazy("8 to 30 digits; used for assistance payments."),
            ),
        ),
    )


def sheet_context(org: Org, by) -> SheetContext:
    """The lists a sheet is checked against: tags, and the unions of `org` within `by`'s reach."""
    tags = list(OccupationTag.objects.order_by("pk"))
    if len(tags) > MAX_OCCUPATION_TAGS:
        raise RuleViolation(
            _("The import handles at most %(count)d occupation tags.")
            % {"count": MAX_OCCUPATION_TAGS}
        )
    bits = {tag.pk: 1 << position for position, tag in enumerate(tags)}
    active = sorted(
        (tag for tag in tags if tag.is_active), key=lambda tag: (tag.sort_order, tag.name)
    )
    unions = Org.objects.filter(within(org.path), kind__in=sorted(Org.GRASSROOTS_KINDS))
    if by is not None and getattr(by, "org", None) is not None:
        unions = unions.filter(within(by.org.path))
    return SheetContext(
        today=timezone.localdate(),
        occupation_bits={tag.name: bits[tag.pk] for tag in active},
        tag_bits=bits,
        unions={
            code: (pk, region)
            for pk, code, region in unions.values_list("pk", "code", "region_code")
        },
    )
