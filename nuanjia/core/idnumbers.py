"""Validation of 居民身份证号 (citizen ID numbers, GB 11643) and what they tell: birth date, gender.

Region codes (地址码, the first six digits) are checked only as far as nuanjia can without
shipping the whole national GB/T 2260 history:

- the first two digits must be a province-level code (11–15, 21–23, 31–37, 41–46, 50–54,
  61–65, 71, 81–83); people registered in any province must still be registrable, and an ID
  number keeps the region code of its first issue even after that county is renamed or merged,
  so a county-level list would wrongly refuse real people;
- for Henan (41) the first four digits must be a Henan city: the 17 cities and 济源 of
  nuanjia/orgs/data/henan_divisions.csv (4101–4117, 4190), and also the former prefectures
  4121–4130 (安阳、新乡、商丘、开封、洛阳、许昌、周口、驻马店、南阳、信阳地区, GB/T 2260-1980
  to about 2000) whose codes are still on the cards of many older Henan people;
- numbers starting with 9 are 外国人永久居留身份证 (foreign permanent residents, 2023 style):
  same length, birth date and check character, but digits 2–3 are the province of issue (a
  province-level code from 11 to 82) and digits 4–6 the holder's nationality (ISO 3166-1
  numeric, read from the `iso3166` package), so `999999…` is refused.

81, 82 and 83 are Hong Kong, Macao and Taiwan: the 港澳台居民居住证 carry 810000, 820000, 830000.
"""

import datetime
from dataclasses import dataclass
from operator import mul

import iso3166
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ASCII_ZERO_TIMES_WEIGHTS = ord("0") * sum(ID_WEIGHTS)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

MALE = "male"
FEMALE = "female"

PROVINCE_CODES = frozenset(
    [f"{code}" for code in range(11, 16)]
    + [f"{code}" for code in range(21, 24)]
    + [f"{code}" for code in range(31, 38)]
    + [f"{code}" for code in range(41, 47)]
    + [f"{code}" for code in range(50, 55)]
    + [f"{code}" for code in range(61, 66)]
    + ["71", "81", "82", "83"]
)
HENAN = "41"
# Henan's current cities (orgs/data/henan_divisions.csv; a test keeps the two in step) and 济源.
HENAN_CITY_PREFIXES = frozenset([f"41{city:02d}" for city in range(1, 18)] + ["4190"])
# Henan's former prefectures (地区), 1980s–2000; their codes stay on cards issued then.
HENAN_FORMER_PREFECTURE_PREFIXES = frozenset(f"41{prefecture}" for prefecture in range(21, 31))
FOREIGN_PERMANENT_RESIDENT_PREFIX = "9"
FOREIGN_ISSUING_PROVINCE_MAX = "82"  # 11–82: the province-level unions that issue the card

_FOLD = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"\uff38": "X", "\uff58": "X", "x": "X"}
    | {char: None for char in "\u200b\u200c\u200d\ufeff"}  # zero-width marks pasted from Excel
)


@dataclass(frozen=True)
class IdNumber:
    """A validated ID number and the facts it encodes."""

    number: str  # 18 characters, upper-case X
    region_code: str  # first six digits (地址码)
    birth_date: datetime.date
    gender: str  # MALE or FEMALE, from the parity of the sequence (顺序码): odd is male
    is_foreign_permanent_resident: bool  # 外国人永久居留身份证

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)


def id_check_char(first17: str) -> str:
    """The 18th character (校验码) of an ID number for its first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"17 ASCII digits expected, not {first17!r}")
    # On the ASCII codes: each digit is its code minus 48, so subtract 48 × the weights' sum.
    total = sum(map(mul, first17.encode("ascii"), ID_WEIGHTS)) - _ASCII_ZERO_TIMES_WEIGHTS
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(raw: str | None) -> str:
    """Strip spaces (full-width too), fold full-width digits and x to ASCII, upper-case X.

    A 15-digit legacy number (一代证, born 19YY) becomes its 18-digit form: "19" goes before the
    two-digit year and the check character is appended, as the police did when reissuing.
    Anything else is returned folded but unchanged, for `validate_id_number` to explain.
    """
    number = "".join(str(raw or "").translate(_FOLD).split()).upper()
    if len(number) == 15 and number.isascii() and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        number = first17 + id_check_char(first17)
    return number


def validate_id_number(raw: str | None, *, today: datetime.date | None = None) -> IdNumber:
    """Return the parsed number, or raise ValidationError naming what is wrong, in Chinese.

    The checks run from the coarsest to the finest, so the message names the first real
    problem: missing, characters, length, check character, birth date, region.
    """
    number = normalize_id_number(raw)
    _check_shape(number)
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _(
                "The ID number's check character (the last one) does not match; please check the number."
            ),
            code="id_check_char",
        )
    birth_date = _birth_date(number, today or timezone.localdate())
    is_foreign = number.startswith(FOREIGN_PERMANENT_RESIDENT_PREFIX)
    if is_foreign:
        _check_foreign_codes(number)
    elif not is_known_region_code(number[:6]):
        raise ValidationError(
            _(
                "The ID number's region code %(code)s (its first six digits) is not a known administrative division."
            )
            % {"code": number[:6]},
            code="id_region",
        )
    return IdNumber(
        number=number,
        region_code=number[:6],
        birth_date=birth_date,
        gender=MALE if int(number[16]) % 2 else FEMALE,
        is_foreign_permanent_resident=is_foreign,
    )


def _check_foreign_codes(number: str) -> None:
    """A foreign permanent resident's number: a real province of issue and nationality."""
    province, nationality = number[1:3], number[3:6]
    if province not in PROVINCE_CODES or province > FOREIGN_ISSUING_PROVINCE_MAX:
        raise ValidationError(
            _(
                "The permanent residence ID's province of issue %(code)s (digits 2–3) is not a province-level code."
            )
            % {"code": province},
            code="id_province_of_issue",
        )
    if iso3166.countries_by_numeric.get(nationality) is None:
        raise ValidationError(
            _(
                "The permanent residence ID's nationality code %(code)s (digits 4–6) is not a country code (ISO 3166-1)."
            )
            % {"code": nationality},
            code="id_nationality",
        )


def is_known_region_code(code: str) -> bool:
    """Whether six digits can be the region code of an ID number (see the module docstring)."""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return False
    if code[:2] not in PROVINCE_CODES:
        return False
    if code[:2] == HENAN:
        return code[:4] in HENAN_CITY_PREFIXES or code[:4] in HENAN_FORMER_PREFECTURE_PREFIXES
    return True


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years (周岁) on `day`; someone born on 29 February turns a year older on 1 March."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def _check_shape(number: str) -> None:
    if not number:
        raise ValidationError(_("Please enter the ID number."), code="id_required")
    bad = sorted({char for char in number if char not in "0123456789X"})
    if bad:
        raise ValidationError(
            _("The ID number may contain only digits and a final X; not allowed: %(chars)s")
            % {"chars": " ".join(bad)},
            code="id_characters",
        )
    if len(number) != 18:
        raise ValidationError(
            _(
                "The ID number must have 18 characters, or 15 digits for an old number (it has %(count)d)."
            )
            % {"count": len(number)},
            code="id_length",
        )
    if "X" in number[:17]:
        raise ValidationError(
            _("The ID number may have an X only as its last character."), code="id_characters"
        )


def _birth_date(number: str, today: datetime.date) -> datetime.date:
    shown = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, does not exist.") % {"date": shown},
            code="id_birth_date",
        ) from None
    if birth_date > today:
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, is in the future.") % {"date": shown},
            code="id_birth_date",
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in the ID number, %(date)s, is before 1900.") % {"date": shown},
            code="id_birth_date",
        )
    return birth_date
