"""API operations of workflow steps, generated from the declaration: one POST per step at
`<path>/<step>`, each with its own request schema and the error responses it can give."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ninja import Field, Router, Schema

from .schemas import ErrorOut
from .workflow import Step, Workflow

ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,  # a rule refused the step; nothing changed
    403: ErrorOut,  # the caller's role may not take it
    404: ErrorOut,  # not found in the caller's scope
    422: ErrorOut,  # the body does not fit the schema
}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def default_schema(flow: Workflow[Any, Any], spec: Step) -> type[Schema]:
    """`{"note": …}`: optional, or required (a reason) when the step needs one."""
    name = f"{_camel(flow.name)}{_camel(spec.name)}In"
    if spec.reason:
        note: Any = Field(..., min_length=1, max_length=2000, description=str(spec.reason))
    else:
        note = Field("", max_length=2000, description="A remark kept in the history.")
    schema = type(name, (Schema,), {"__annotations__": {"note": str}, "note": note})
    return schema


def add_step_operations(
    router: Router,
    flow: Workflow[Any, Any],
    *,
    path: str,
    fetch: Callable[[Any, int], Any],
    response: type[Schema],
    present: Callable[[Any, Any], Any],
    summaries: Mapping[Any, str],  # step name (or its TextChoices member) → summary
    schemas: Mapping[Any, type[Schema]] | None = None,
    fields: Mapping[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] | None = None,
    segments: Mapping[str, str] | None = None,
) -> None:
    """Add `POST {path}/{segment}` for every step in `summaries` (the segment is the step's
    name unless `segments` gives another, to keep a published path).

    `path` holds one `{id}` parameter, e.g. ``"/grants/{grant_id}"``; `fetch(request, id)`
    returns the record within the caller's scope (404 otherwise); `present(request, obj)`
    builds the response; `fields[step](request, body)` turns a body into the step's fields
    when they are not the body's as they are (e.g. an org code into an org).
    """
    id_name = path.rsplit("{", 1)[1].rstrip("}")
    for name, summary in summaries.items():
        spec = flow.step(name)
        schema = (schemas or {}).get(spec.name) or default_schema(flow, spec)
        convert = (fields or {}).get(spec.name)
        url = f"{path}/{(segments or {}).get(spec.name, spec.name)}"
        _add_operation(router, flow, spec, url, id_name, schema, summary,
                       fetch=fetch, response=response, present=present, convert=convert)  # fmt: skip


def _add_operation(
    router: Router,
    flow: Workflow[Any, Any],
    spec: Step,
    path: str,
    id_name: str,
    schema: type[Schema],
    summary: str,
    *,
    fetch: Callable[[Any, int], Any],
    response: type[Schema],
    present: Callable[[Any, Any], Any],
    convert: Callable[[Any, dict[str, Any]], dict[str, Any]] | None,
) -> None:
    def operation(request: Any, payload: Any, **path_values: int) -> Any:
        obj = fetch(request, path_values[id_name])
        body = payload.dict()
        values = convert(request, body) if convert else body
        result = flow.take_step(obj, spec.name, by=request.user, where=request.path, **values)
        return present(request, result if result is not None else obj)

    operation.__name__ = f"{flow.name.replace('.', '_')}_{spec.name}"
    operation.__annotations__ = {"request": Any, "payload": schema, id_name: int}
    _accept_path_value(operation, id_name, schema)
    router.post(
        path,
        response={200: response, **ERROR_RESPONSES},
        summary=summary,
        operation_id=operation.__name__,
    )(operation)


def _accept_path_value(operation: Callable[..., Any], id_name: str, schema: type[Schema]) -> None:
    """Give the generated function the signature ninja reads: (request, <id>: int, payload)."""
    import inspect

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int),
        inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=schema),
    ]
    operation.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]


def add_queue_operations(
    router: Router,
    flow: Workflow[Any, Any],
    *,
    path: str,
    rows: Callable[[Any], Any],
    fetch: Callable[..., Any],
    guard: Callable[[Any], None],
    response: type[Schema],
    present: Callable[[Any, Any], Any],
    titles: tuple[str, str],  # the list's summary, the record's
    summaries: Mapping[Any, str],
) -> None:
    """A workflow's queue in the API: `GET {path}` (the waiting rows `rows(request)` gives,
    paginated), `GET {path}/{id}` and one POST per step (`add_step_operations`). `path` is the
    record's, e.g. "/bindings/{binding_id}"; `fetch(request, pk, write=False)` finds one in the
    caller's scope (404 otherwise); `guard(request)` refuses a caller without the permission."""
    from ninja.pagination import paginate

    from .pagination import Pages

    list_path, id_name = path.rsplit("/{", 1)
    id_name = id_name.rstrip("}")

    def listing(request: Any) -> list[Any]:
        guard(request)
        return [present(request, row) for row in rows(request)]

    def detail(request: Any, **path_values: int) -> Any:
        guard(request)
        return present(request, fetch(request, path_values[id_name]))

    import inspect

    listing.__name__ = f"{flow.name}_queue"
    detail.__name__ = f"{flow.name}_detail"
    detail.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int),
        ]
    )
    router.get(list_path, response=list[response], summary=titles[0],  # type: ignore[valid-type]
               operation_id=listing.__name__)(paginate(Pages, page_size=100)(listing))  # fmt: skip
    router.get(path, response=response, summary=titles[1], operation_id=detail.__name__)(detail)
    add_step_operations(
        router,
        flow,
        path=path,
        fetch=lambda request, pk: fetch(request, pk, write=True),
        response=response,
        present=present,
        summaries=summaries,
    )
