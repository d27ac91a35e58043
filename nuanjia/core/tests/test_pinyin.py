"""Names can be found by their pinyin or its initials."""

import time

import pytest

from nuanjia.core.pinyin import name_search_keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三", ("zhangsan", "zs")),
        ("欧阳娜娜", ("ouyangnana", "oynn")),
        ("吕布", ("lvbu", "lb")),
        ("单田芳", ("shantianfang", "stf")),
        ("曾国藩", ("zengguofan", "zgf")),
        ("仇英", ("qiuying", "qy")),
        ("区志明", ("ouzhiming", "ozm")),
        ("尉迟恭", ("yuchigong", "ycg")),
        ("李Anna", ("lianna", "lanna")),
        ("买买提·艾力", ("maimaitiaili", "mmtal")),
        (" 王 五 ", ("wangwu", "ww")),
        ("Ｌｉ　Ｌｅｉ", ("lilei", "lilei")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_search_keys(name, keys):
    assert name_search_keys(name) == keys


def test_the_surname_reading_applies_to_the_surname_only():
    # 单 as a given name keeps its common reading dan.
    assert name_search_keys("王单") == ("wangdan", "wd")


def test_a_hundred_thousand_names_take_well_under_a_few_seconds():
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂",
    )
    names = [
        surnames[n % 20] + given[n % len(given)] + given[(n // len(given)) % len(given)]
        for n in range(100_000)
    ]
    started = time.perf_counter()
    for name in names:
        name_search_keys(name)
    assert time.perf_counter() - started < 5  # about 0.2 s on a laptop; generous for CI
