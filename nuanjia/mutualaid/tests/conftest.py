"""The mutual aid tests' fixtures (support.py), for every test module of the app."""

from .support import (  # noqa: F401 -- fixtures
    business_day,
    critical_plan,
    ma_approver,
    plan,
    planner,
    pool_finance,
    second_approver,
)
