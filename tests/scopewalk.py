"""The scoping walker: every URL pattern and API operation, tried by one county against another's rows.

For each URL pattern of a urlconf it fills every path parameter with an object that
belongs to another county (by parameter name, from `params`) and calls the view with
GET and POST (API operations with every method they declare, and a JSON body built from
their OpenAPI schema, or a multipart form with a small file, so the handler itself runs).
Answers other than 403, 404 and 405 are leaks. Pages without parameters are fetched (with a search for the marker) and must not
contain the other county's marker text. An unknown parameter name is itself a finding:
whoever adds it must teach the walker which out-of-scope object fills it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# URL prefixes the walker leaves out, with the reason.
SKIPPED_PREFIXES = {
    "djadmin/": "Django admin: superusers only; no staff account has is_staff",
    "static/": "static files",
    # A member's phone pages and API take a member's own device, never a staff session or
    # token: members/tests/test_member_scoping.py walks them with two members.
    "m/": "member pages: a staff session is not a member (walked in members' own test)",
    "api/v1/me/": "member API: a member token only (walked in members' own test)",
    "p/": "partner pages: a partner's device only (walked in members' own test)",
    # Partner tokens; its scan also takes staff, and by design answers any card's status and
    # masked name only (the card holder shows the card): walked in members' own test.
    "api/v1/partner/": "partner API: partner tokens (walked in members' own test)",
}
# Views that never show or touch org-owned rows.
PUBLIC_ROUTES = {
    "healthz",
    "readyz",
    "metrics",  # business gauges only (counts), from loopback or with the metrics token
    "i18n/setlang/",
    "accounts/login/",
    "accounts/logout/",
    "api/v1/openapi.json",
    "api/v1/docs",
    "accessibility/",  # the accessibility statement: a fixed page
    # A rest station's QR check-in page and API (no sign-in): any station's name, address and
    # facilities are public by design, whoever hosts it; they show no other org-owned rows.
    "s/<str:station_code>/",
    "api/v1/stations/checkin/<station_code>",
}
DENIED = {403, 404, 405}
PARAM_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Finding:
    route: str
    method: str
    status: int
    reason: str

    def __str__(self) -> str:
        return f"{self.method} /{self.route} -> {self.status}: {self.reason}"


@dataclass
class Route:
    pattern: str  # "orgs/<int:org_id>/"
    callback: object
    names: list[str] = field(default_factory=list)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def iter_routes(patterns=None, prefix: str = ""):
    """Every concrete URL pattern as (route text, view callback), depth first."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield Route(
                route.lstrip("^").rstrip("$"),
                entry.callback,
                [m["name"] for m in PARAM_RE.finditer(route)],
            )


def fill(route: Route, params: dict[str, object]) -> str | None:
    def substitute(match):
        return str(params[match["name"]])

    if any(name not in params for name in route.names):
        return None
    return "/" + PARAM_RE.sub(substitute, route.pattern)


def api_operations(schema: dict) -> dict[str, dict[str, dict]]:
    """OpenAPI paths keyed by route text as Django sees it ("api/v1/orgs/<int:org_id>")."""
    operations = {}
    for path, methods in schema.get("paths", {}).items():
        route = path.lstrip("/")
        operations[re.sub(r"\{([^}]+)\}", r"\1", route)] = methods
    return operations


def example_from_schema(schema: dict, components: dict, depth: int = 0) -> object:
    """A small valid instance of a JSON schema, so a write operation reaches its handler."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        return example_from_schema(schema["allOf"][0], components, depth)
    if "anyOf" in schema:
        return example_from_schema(schema["anyOf"][0], components, depth)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type", "object")
    if kind == "object":
        if depth > 4:
            return {}
        return {
            name: example_from_schema(prop, components, depth + 1)
            for name, prop in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example_from_schema(schema.get("items", {}), components, depth + 1)]
    return {"string": "scope-walk", "integer": 1, "number": 1, "boolean": True}.get(kind, "x")


def response_text(response) -> str:
    """The response as text; spreadsheets are opened so their cells are searched too."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return body.decode("utf-8", errors="replace")


def _multipart_example(schema: dict) -> dict:
    """A form of the schema's fields, every binary field a small real file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, object] = {}
    for name, prop in schema.get("properties", {}).items():
        kinds = prop.get("anyOf", [prop])
        if any(kind.get("format") == "binary" for kind in kinds):
            data[name] = SimpleUploadedFile("scope-walk.pdf", b"%PDF-1.4\n%scope-walk\n")
        elif "default" in prop and prop["default"] not in ("", None):
            data[name] = prop["default"]
        else:
            data[name] = "scope-walk"
    return data


def _request_body(content: dict, components: dict) -> dict:
    """The test client's arguments for an operation's body: JSON built from its schema, or a
    multipart form with a file, so the handler itself runs."""
    if "multipart/form-data" in content:
        return {"data": _multipart_example(content["multipart/form-data"]["schema"])}
    body = None
    if "application/json" in content:
        body = json.dumps(example_from_schema(content["application/json"]["schema"], components))
    return {"data": body, "content_type": "application/json"}


def _route_key(route: Route) -> str:
    return PARAM_RE.sub(lambda match: match["name"], route.pattern)


def walk(
    client,
    params: dict[str, object],
    markers: list[str],
    search_term: str,
    *,
    patterns=None,
    api_schema: dict | None = None,
) -> list[Finding]:
    """Try every route as the signed-in client; return what leaked."""
    findings: list[Finding] = []
    operations = api_operations(api_schema or {})
    components = (api_schema or {}).get("components", {}).get("schemas", {})
    for route in iter_routes(patterns):
        if route.pattern.startswith(tuple(SKIPPED_PREFIXES)) or route.pattern in PUBLIC_ROUTES:
            continue
        url = fill(route, params)
        if url is None:
            missing = [name for name in route.names if name not in params]
            findings.append(
                Finding(
                    route.pattern,
                    "-",
                    0,
                    f"unknown path parameter(s) {missing}: add an out-of-scope object for them to the walker",
                )
            )
            continue
        if route.names:
            findings.extend(_try_object_route(client, route, url, operations, components))
        else:
            findings.extend(_try_list_route(client, route, url, markers, search_term))
    return findings


def _try_object_route(client, route: Route, url: str, operations, components) -> list[Finding]:
    findings = []
    if route.is_api:
        methods = operations.get(_route_key(route), {})
        if not methods:
            return [Finding(route.pattern, "-", 0, "API route missing from the OpenAPI schema")]
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            response = getattr(client, method.lower())(url, **_request_body(content, components))
            if response.status_code not in DENIED:
                findings.append(
                    Finding(
                        route.pattern,
                        method.upper(),
                        response.status_code,
                        "out-of-scope object answered",
                    )
                )
        return findings
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code not in DENIED:
            findings.append(
                Finding(
                    route.pattern,
                    method.upper(),
                    response.status_code,
                    "out-of-scope object answered",
                )
            )
    return findings


def _try_list_route(
    client, route: Route, url: str, markers: list[str], search_term: str
) -> list[Finding]:
    findings = []
    for query in ("", f"?q={search_term}"):
        response = client.get(url + query)
        if response.status_code >= 500:
            findings.append(Finding(route.pattern, "GET", response.status_code, "server error"))
            continue
        text = response_text(response)
        for marker in markers:
            if marker in text:
                findings.append(
                    Finding(
                        route.pattern,
                        "GET",
                        response.status_code,
                        f"shows another county's row ({marker})",
                    )
                )
    return findings
