"""Search keys for Chinese names: full pinyin and initials, so "zs" or "zhangsan" finds 张三;
and every other reading of the name and of the given name alone (`name_reading_keys`).

pypinyin (0.55) has no surname style, and per-word phrase readings would cost a segmenter
call per name. So each character is read once, in its most common reading (memoized: a
registry of a million names has only a few thousand distinct characters), and the surname,
the one place where the common reading is routinely wrong (单 shan, 曾 zeng, 仇 qiu, 解 xie,
区 ou, 尉迟 yuchi …), is read from the small table below. Tones are dropped and ü is written
v, as people type it on a phone (吕 → lv).
"""

import itertools
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

# Compound surnames (复姓) whose characters read differently inside the surname.
COMPOUND_SURNAME_READINGS = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
}
# Single-character surnames whose surname reading is not the character's most common one.
# 乐 (le / yue) is left out on purpose: both are common surname readings.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "解": "xie", "朴": "piao",
    "查": "zha", "覃": "qin", "缪": "miao", "翟": "zhai", "盖": "ge", "种": "chong",
    "秘": "bi", "繁": "po", "员": "yun", "召": "shao", "句": "gou", "能": "nai",
    "隗": "wei", "阚": "kan", "洗": "xian", "折": "she", "黑": "he", "祭": "zhai",
    "蕃": "pi", "藏": "zang", "重": "chong", "薄": "bo", "都": "du", "郇": "xun",
    "角": "jue", "佴": "nai", "粘": "nian", "卜": "bu", "乜": "nie", "蔚": "yu",
}  # fmt: skip


def name_search_keys(name: str | None) -> tuple[str, str]:
    """(full pinyin, initials) of a name: "张三" → ("zhangsan", "zs"), "单田芳" → ("shantianfang", "stf").

    Letters and digits that are not Chinese are kept, lower-cased, in both keys ("李Anna" →
    ("lianna", "lanna")); spaces and punctuation such as the · in 买买提·艾力 are dropped.
    """
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    readings = _surname_readings(text)
    readings.extend(_reading(char) for char in text[len(readings) :])
    full = "".join(readings)
    initials = "".join(reading[:1] for reading in readings)
    return full, initials


def _surname_readings(text: str) -> list[str]:
    """The readings of the surname at the start of `text`, when the table knows better."""
    compound = COMPOUND_SURNAME_READINGS.get(text[:2]) if len(text) > 2 else None
    if compound:
        return list(compound)
    single = SURNAME_READINGS.get(text[:1])
    return [single] if single else []


@lru_cache(maxsize=65536)
def _reading(char: str) -> str:
    """One character's key: its common pinyin, itself lower-cased if it has none, "" if punctuation."""
    reading = lazy_pinyin(char, style=Style.NORMAL)[0]
    if reading != char:
        return reading
    return char.lower() if char.isalnum() else ""


MAX_READINGS_PER_CHAR = 3  # pypinyin lists up to 5 readings for a few characters
MAX_READING_COMBINATIONS = 8  # per name: 长 × 乐 × 行 … grows fast; the common ones come first


def name_reading_keys(name: str | None) -> list[str]:
    """Every way to type a name in pinyin, beyond `name_search_keys`' own two: the full
    pinyin and initials of each combination of the characters' readings (郭长顺: guochangshun
    besides guozhangshun), and of the given name alone (changshun, zhangshun, cs, zs).

    The surname is read by its surname reading (SURNAME_READINGS, COMPOUND_SURNAME_READINGS),
    the other characters by every reading pypinyin knows (heteronym=True), at most
    MAX_READING_COMBINATIONS combinations, the common readings first (the first combination
    is `name_search_keys`, left out). Only keys of letters and digits are returned. The given
    name's combinations are memoized: a province has far fewer given names than people.
    """
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    surname = _surname_readings(text)
    heads: tuple[tuple[str, str], ...]
    if surname:
        heads = (("".join(surname), "".join(part[:1] for part in surname)),)
        rest = text[len(surname) :]
    else:
        heads = _heads(text[:1])
        rest = text[1:] if heads[0][0] else text
    tails = _combinations(rest)
    split = bool(heads[0][0]) and bool(tails[0][0])
    if len(heads) == 1 and len(tails) == 1:  # no polyphone: the given name alone, if any
        return list(_given_keys(rest)) if split else []
    keys: dict[str, None] = {}
    for (head, head_initials), (tail, tail_initials) in itertools.islice(
        itertools.product(heads, tails), MAX_READING_COMBINATIONS
    ):
        keys[head + tail] = keys[head_initials + tail_initials] = None
        if split:
            keys[tail] = keys[tail_initials] = None
    primary = (heads[0][0] + tails[0][0], heads[0][1] + tails[0][1])
    return [key for key in keys if key not in primary and _typed(key)]


def _typed(key: str) -> bool:
    """Whether a key is made of what a search box sends as pinyin: ASCII letters and digits."""
    return key.isascii() and key.isalnum()


@lru_cache(maxsize=4096)
def _heads(char: str) -> tuple[tuple[str, str], ...]:
    """(reading, initial) of each reading of a name's first character; ("", "") for none."""
    if not char or _readings(char)[0] in ("", char.lower()):
        return (("", ""),)
    return tuple((reading, reading[:1]) for reading in _readings(char))


@lru_cache(maxsize=65536)
def _given_keys(text: str) -> tuple[str, ...]:
    """The given name's own full pinyin and initials, when it has a single reading."""
    full, initials = _combinations(text)[0]
    return tuple(key for key in dict.fromkeys((full, initials)) if _typed(key))


@lru_cache(maxsize=65536)
def _combinations(text: str) -> tuple[tuple[str, str], ...]:
    """(full pinyin, initials) of each combination of the characters' readings, bounded."""
    choices = [options for options in map(_readings, text) if options != [""]]
    return tuple(
        ("".join(readings), "".join(reading[:1] for reading in readings))
        for readings in itertools.islice(itertools.product(*choices), MAX_READING_COMBINATIONS)
    )


@lru_cache(maxsize=65536)
def _readings(char: str) -> list[str]:
    """One character's keys: its common pinyin first, then its other readings (tones dropped)."""
    common = _reading(char)
    if common == char.lower() or not common:
        return [common]
    others = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    readings = [common, *(reading for reading in others if reading != common)]
    return list(dict.fromkeys(reading.replace("ü", "v") for reading in readings))[
        :MAX_READINGS_PER_CHAR
    ]
