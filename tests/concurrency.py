"""Races for the PostgreSQL concurrency tests: threads released together by a barrier."""

import threading

from django.db import connection


def race(work, threads: int) -> list[object]:
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
