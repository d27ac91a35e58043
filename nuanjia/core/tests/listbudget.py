"""Query budgets of the lists on core.lists (issue 25): the first page and a page reached by
its cursor cost the same fixed number of queries, on the page and through the API."""

from typing import Any

from django.test import Client


def page_queries(client: Client, url: str, params: dict[str, Any], budget: int, assert_num) -> Any:
    """Load the list's first page and the next one by cursor within `budget` queries each;
    answer the second page's response. The list must hold more than `page_size` rows."""
    client.get(url, params)  # warm: the session's first touch is not the list's cost
    with assert_num(budget):
        first = client.get(url, params)
    assert first.status_code == 200
    cursor = first.context["page"].next_cursor
    assert cursor, "the list needs more rows than page_size"
    with assert_num(budget):
        second = client.get(url, {**params, "cursor": cursor})
    assert second.status_code == 200 and second.context["page"].number == 2
    return second


def api_queries(client: Client, url: str, params: dict[str, Any], budget: int, assert_num) -> Any:
    """The same for an API list operation: first page, then `next`."""
    client.get(url, params)
    with assert_num(budget):
        first = client.get(url, params)
    assert first.status_code == 200, first.content
    cursor = first.json()["next"]
    assert cursor
    with assert_num(budget):
        second = client.get(url, {**params, "cursor": cursor})
    assert second.status_code == 200 and second.json()["page"] == 2
    return second.json()


def _page_ids(response, api: bool) -> tuple[list[int], str | None]:
    if api:
        body = response.json()
        return [item["id"] for item in body["items"]], body["next"]
    page = response.context["page"]
    return [row.pk for row in page.rows], page.next_cursor


def stable_under_inserts(
    client: Client, url: str, params: dict[str, Any], insert, *, api: bool = False
) -> list[int]:
    """Load the first page, run `insert()` (rows that sort before and after it), then follow
    `next` to the end: no row is shown twice, and every row there was before the inserts is
    shown once. Answers the ids in the order shown."""
    first = client.get(url, params)
    assert first.status_code == 200, first.content
    shown, cursor = _page_ids(first, api)
    before = set(_all_ids(client, url, params, api))
    assert cursor, "the list needs more rows than page_size"
    insert()
    while cursor:
        response = client.get(url, {**params, "cursor": cursor})
        assert response.status_code == 200, response.content
        ids, cursor = _page_ids(response, api)
        shown.extend(ids)
    assert len(shown) == len(set(shown)), f"a row shown twice: {shown}"
    assert before <= set(shown), f"rows skipped: {before - set(shown)}"
    return shown


def _all_ids(client: Client, url: str, params: dict[str, Any], api: bool) -> list[int]:
    ids: list[int] = []
    response = client.get(url, params)
    while True:
        found, cursor = _page_ids(response, api)
        ids.extend(found)
        if not cursor:
            return ids
        response = client.get(url, {**params, "cursor": cursor})
