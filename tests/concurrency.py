"""Races for the PostgreSQL concurrency tests: threads released together by a barrier."""

import threading

import pytest
from django.db import connection

THREADS = 20


def postgresql_module():
    """For a module of races, as its `pytestmark`: the module is skipped at collection unless
    the database is PostgreSQL (SQLite serializes every write transaction, so the races do not
    exist there, and the SQLite run does not serialize its test database either); on
    PostgreSQL its tests are transactional, as threads need committed data (the root conftest
    puts the rows the data migrations seed back after an earlier flush)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks", allow_module_level=True)
    return pytest.mark.django_db(transaction=True)


def race(work, threads: int = THREADS) -> list[object]:
    """Run work(i) in `threads` threads released together; return each result or exception.

    Each thread closes its own database connection when done."""
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connection.close()

    started = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return results
