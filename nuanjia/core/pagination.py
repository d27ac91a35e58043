"""The API's one pagination: ninja's page numbers, with bounds a database can take.

An unbounded `page` (9223372036854775807) overflowed the SQL OFFSET (a 500 on every list);
the bounds make it a 422 naming the field, and the OpenAPI document states them.
"""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000


class Pages(PageNumberPagination):
    """`?page=N&page_size=M`, 1 ≤ N ≤ 1,000,000 and 1 ≤ M ≤ 1,000."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 100, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
