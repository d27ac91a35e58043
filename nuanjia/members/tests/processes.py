"""What test_limits_across_processes runs in its child processes (multiprocessing's "spawn",
as nuanjia/core/tests/processes.py: fresh interpreters sharing only the files, the SQLite
database and Redis). Each child takes its environment, sets Django up, and reports what each
of its calls was answered. Not a test module: the children import it by name."""

from __future__ import annotations

import os
from typing import Any

TEXT = "code %(code)s %(minutes)d"


def _setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    import django

    django.setup()


def create_code_table(environment: dict[str, str], phone: str) -> None:
    """The texted codes' table in the shared database, the keys in the shared var/, and one
    code texted to `phone` (to the sms.log of var/)."""
    _setup_django(environment)
    from django.db import connection

    from nuanjia.members.models import PhoneCode
    from nuanjia.members.services import send_code

    with connection.schema_editor() as editor:
        editor.create_model(PhoneCode)
    send_code(phone, PhoneCode.Purpose.SIGN_IN, ip="192.0.2.1", text=TEXT)


def _warm_up() -> None:
    """Open the limiter's store and the database before the race starts."""
    from nuanjia.core import ratelimit
    from nuanjia.members.models import PhoneCode

    ratelimit.peek("members:warm-up", "-")
    PhoneCode.objects.exists()


def send_codes(
    environment: dict[str, str], asks: list[tuple[str, str]], start: Any, results: Any
) -> None:
    """Once `start` is set, ask for a code for each (phone, address) of `asks`; report each
    with its answer, "sent" or "limited"."""
    _setup_django(environment)
    from nuanjia.core.ratelimit import RateLimited
    from nuanjia.members.models import PhoneCode
    from nuanjia.members.services import send_code

    _warm_up()
    start.wait(30)
    answers = []
    for phone, ip in asks:
        try:
            send_code(phone, PhoneCode.Purpose.SIGN_IN, ip=ip, text=TEXT)
        except RateLimited:
            answers.append((phone, ip, "limited"))
        else:
            answers.append((phone, ip, "sent"))
    results.put(answers)


def use_codes(
    environment: dict[str, str], phone: str, codes: list[str], start: Any, results: Any
) -> None:
    """Once `start` is set, sign in with each of `codes`; report "signed_in", "wrong" or
    "locked" for each."""
    _setup_django(environment)
    from nuanjia.core.errors import RuleViolation
    from nuanjia.core.ratelimit import RateLimited
    from nuanjia.members.models import PhoneCode
    from nuanjia.members.services import use_code

    _warm_up()
    start.wait(30)
    answers = []
    for code in codes:
        try:
            use_code(phone, PhoneCode.Purpose.SIGN_IN, code)
        except RateLimited:
            answers.append("locked")
        except RuleViolation as refused:
            answers.append("wrong" if refused.code == "bad_code" else refused.code)
        else:
            answers.append("signed_in")
    results.put(answers)
