"""The demo's people agree with their own ID numbers: the 17th digit of a resident ID (the
sequence's last) is odd for a man and even for a woman, so staff reading the demo do not see
a "mother" whose ID says male."""

from nuanjia.demo_people import FAMILIES, demo_id

# The sex each demo worker's story gives them (spouse, 单亲母亲, 丈夫去世, the given name).
STORY_SEX = {
    "王建国": "male",  # his wife 刘桂芝 is on dialysis
    "李秀英": "female",
    "张桂兰": "female",  # her husband 赵铁柱
    "赵德胜": "male",  # his wife 孙丽
    "刘明": "male",  # his wife 陈芳
    "陈红": "female",  # 单亲母亲
    "孙强": "male",  # his wife 周敏
    "周丽": "female",  # 丈夫去世
    "郭长顺": "male",  # his wife 马秀兰
    "黄晓东": "male",
    "吴春梅": "female",
    "郑国庆": "male",
}


def test_every_demo_workers_id_number_gives_the_sex_of_their_story():
    assert {family.name for family in FAMILIES} == set(STORY_SEX)
    for family in FAMILIES:
        number = demo_id(family.region, family.born, family.sequence)
        sex = "male" if int(number[16]) % 2 else "female"
        assert sex == STORY_SEX[family.name], f"{family.name} {number}"
