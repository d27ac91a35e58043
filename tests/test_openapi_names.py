"""Two API schemas of one name would be one component in the OpenAPI document, the second
silently replacing the first (a hardship step would then document a campaigns body): every
schema an operation takes or answers has a name of its own."""

from pydantic import BaseModel

from nuanjia.api import api

WRAPPERS = {"NinjaResponseSchema"}  # django-ninja's own per-operation wrapper


def _models_in(annotation, depth: int = 0):
    if depth > 6:
        return
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            yield candidate
            for field in candidate.model_fields.values():
                yield from _models_in(field.annotation, depth + 1)
        elif candidate is not annotation:
            yield from _models_in(candidate, depth + 1)


def _schemas():
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        yield from _models_in(field.annotation)
                for model in (operation.response_models or {}).values():
                    yield from _models_in(model)


def test_every_api_schema_name_names_one_class():
    seen: dict[str, type] = {}
    clashes = set()
    for model in _schemas():
        if model.__name__ in WRAPPERS:
            continue
        first = seen.setdefault(model.__name__, model)
        if first is not model:
            clashes.add(f"{model.__name__}: {first.__module__} and {model.__module__}")
    assert len(seen) > 100
    assert sorted(clashes) == []
