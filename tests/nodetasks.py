"""A task for tests/test_two_nodes.py: it notes each run in a Redis list, so a task run twice
(by both nodes' workers) shows as a number twice."""

from django_tasks import task


@task()
def note_run(key: str, number: int) -> int:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.NUANJIA_REDIS_URL).rpush(key, number)
    return number
