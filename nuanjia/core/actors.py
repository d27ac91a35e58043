"""Who takes a step: the shape core needs of a staff account, without importing `orgs`.

`orgs.Staff` satisfies this Protocol; core only reads these attributes. The role and scope
checks themselves are hooks that `orgs` registers at start-up (see `core.workflow`).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    """A signed-in person (or an API token's owner) acting on a record."""

    pk: Any
    is_active: bool
    is_authenticated: bool

    @property
    def roles(self) -> frozenset[str]: ...

    @property
    def org(self) -> Any: ...
