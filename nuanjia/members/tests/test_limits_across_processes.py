"""The texted-code limits hold across server processes: five processes asking at once get
no more codes, and no more wrong tries, than one would (core.ratelimit, in its SQLite file
without Redis, and in Redis). The children share the var/ folder (keys, limiter file, the
texts' log), an SQLite database and, in the Redis runs, Redis."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from nuanjia.core.tests import processes as core_processes
from nuanjia.core.tests.test_ratelimit import REDIS_URL, redis_reachable

from . import processes

SPAWN = core_processes.SPAWN
PROCESSES = 5
PHONE = "13812345678"  # asked for by every process, twice each
LOCK_PHONE = "13900001111"  # texted a code before the race; every process types wrong ones
SHARED_IP = "198.51.100.20"  # 30 different phones asked for from one address


@pytest.fixture(params=["file", "redis"])
def environment(request, tmp_path):
    """The children's settings, the codes' table in their database, and one code texted to
    LOCK_PHONE; the limits' counts in var/ratelimit.sqlite3 or in Redis."""
    extra = {"NUANJIA_SMS_BACKEND": "nuanjia.core.sms.FileBackend"}
    if request.param == "redis":
        if not redis_reachable(REDIS_URL):
            pytest.skip("no Redis at 127.0.0.1:6379")
        extra["NUANJIA_REDIS_URL"] = REDIS_URL
    environment = core_processes.child_environment(tmp_path, **extra)
    # A secret of its own: the address limit's key is the address hashed under the secret,
    # and other runs share this Redis.
    environment["NUANJIA_SECRET_KEY"] += uuid.uuid4().hex
    creator = SPAWN.Process(target=processes.create_code_table, args=(environment, LOCK_PHONE))
    creator.start()
    creator.join(90)
    assert creator.exitcode == 0
    return environment


def texts_to(var_dir: Path, phone: str) -> list[str]:
    """The texts FileBackend wrote to var/sms.log for `phone`."""
    lines = (var_dir / "sms.log").read_text(encoding="utf-8").splitlines()
    return [entry["text"] for entry in map(json.loads, lines) if entry["to"] == phone]


def race(target, environment, arguments: list[tuple]) -> list:
    """One child per item of `arguments`, all let go at once; every child's answers."""
    start = SPAWN.Event()
    results = SPAWN.Queue()
    children = [
        SPAWN.Process(target=target, args=(environment, *argument, start, results))
        for argument in arguments
    ]
    for child in children:
        child.start()
    time.sleep(0.5)
    start.set()
    answers = [answer for _child in children for answer in results.get(timeout=120)]
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    return answers


def test_five_processes_asking_at_once_get_one_code_a_minute_and_twenty_an_address(
    environment, tmp_path
):
    asks = [
        [(PHONE, f"10.0.0.{n}"), (PHONE, f"10.0.0.{n}")]
        + [(f"1371234{n}{k:03d}", SHARED_IP) for k in range(6)]
        for n in range(PROCESSES)
    ]
    answers = race(processes.send_codes, environment, [(mine,) for mine in asks])
    to_phone = Counter(answer for phone, _ip, answer in answers if phone == PHONE)
    assert to_phone == {"sent": 1, "limited": 2 * PROCESSES - 1}
    assert len(texts_to(tmp_path, PHONE)) == 1
    from_address = Counter(answer for _phone, ip, answer in answers if ip == SHARED_IP)
    assert from_address == {"sent": 20, "limited": 6 * PROCESSES - 20}


def test_six_wrong_codes_typed_in_five_processes_at_once_lock_the_sign_in(environment, tmp_path):
    (text,) = texts_to(tmp_path, LOCK_PHONE)
    right = text.split()[1]
    wrong = [code for code in ("000000", "111111", "222222") if code != right][:2]
    answers = race(processes.use_codes, environment, [(LOCK_PHONE, wrong)] * PROCESSES)
    # Five wrong codes are answered "wrong, ask for a new one"; the sixth and every one
    # after it "locked", however the processes interleave.
    assert Counter(answers) == {"wrong": 5, "locked": 2 * PROCESSES - 5}
    # Locked for every process: even the right code is refused now.
    assert race(processes.use_codes, environment, [(LOCK_PHONE, [right])]) == ["locked"]
