"""People fixtures: a registered 惠济区 worker, and ID numbers to register."""

import datetime

import pytest

from .import_support import grassroots_union
from .support import id_number, register

ZHANG_ID = id_number("410108", datetime.date(1985, 6, 15), 123)  # a man (odd sequence)


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inside the request, as `db_worker` would run them later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def union(tree):
    """郑州惠济区百味餐饮管理有限公司工会, a grassroots union under 惠济区总工会."""
    return grassroots_union()


@pytest.fixture
def zhang(caseworker):
    """张三, registered in 惠济区 with an ID number, phone and bank account."""
    return register(
        caseworker,
        name="张三",
        id_number=ZHANG_ID,
        phone="+86 138 1234 5678",
        address="郑州市惠济区天河路1号",
        bank_name="中国工商银行",
        bank_account="6222 0212 3456 7890 123",
        employer_name="郑州惠济区百味餐饮管理有限公司",
        occupations=["外卖配送员"],
    )
