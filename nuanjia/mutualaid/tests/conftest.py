from .support import (
    business_day,
    ma_approver,
    plan,
    planner,
    pool_finance,
    second_approver,
    critical_plan,
)  # noqa: F401
