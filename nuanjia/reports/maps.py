"""The map of Henan on the dashboards (issue 20 item 3): one cell per city and county, laid
out from the GB/T 2260 table (a row per city: the city, then its counties in code order; no
drawn boundaries), coloured by a measure's figure and linking to that union's dashboard.

An operator may load an approved GeoJSON of the province (`load_outline`: the management page
or `nuanjia reports map-load`); every feature's code must be a GB/T 2260 code of the table,
else it is refused with the unknown codes listed. When one is loaded the map draws its
features as SVG paths, projected on the server (longitude × cos of the mean latitude); the
grid is the default and the table beside either map is the accessible alternative.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.services import Division, read_divisions

from .formatting import value_text
from .models import MapShape

PROVINCE = "410000"
SHADES = 5  # colour classes heat-0 (nothing) … heat-4 (the largest figures)
MAX_BYTES = 20 * 1024 * 1024
CODE_KEYS = ("code", "adcode", "region_code")
WIDTH, HEIGHT = 600.0, 640.0


@functools.cache
def divisions() -> tuple[Division, ...]:
    """The province's cities and counties of the GB/T 2260 table (the province left out)."""
    return tuple(d for d in read_divisions() if d.code != PROVINCE)


def division_codes() -> frozenset[str]:
    return frozenset(d.code for d in read_divisions())


@functools.cache
def _city_rows() -> dict[str, tuple[Division, ...]]:
    """Each city's row (the city, then its counties in code order), in city code order; the
    table is fixed, so the layout is worked out once a process."""
    rows: dict[str, list[Division]] = defaultdict(list)
    for division in divisions():
        city = division.code if division.parent_code == PROVINCE else division.parent_code
        rows[city].append(division)
    return {city: tuple(rows[city]) for city in sorted(rows)}


def grid_rows(root_code: str) -> list[tuple[Division, ...]]:
    """The grid below a union: for the province a row per city (the city, then its counties
    in code order), for a city its row, for a county its own cell, below that nothing."""
    rows = _city_rows()
    if root_code == PROVINCE:
        return list(rows.values())
    if root_code in rows:
        return [rows[root_code]]
    return [(d,) for row in rows.values() for d in row if d.code == root_code]


def shade(value: int, top: int) -> int:
    """The colour class of a figure: 0 for nothing, 1–4 by its share of the largest."""
    if value <= 0 or top <= 0:
        return 0
    return min(SHADES - 1, 1 + (SHADES - 2) * value // top)


@dataclass
class Cell:
    code: str
    name: str
    is_city: bool
    value: int
    shade: int
    url: str  # the union's dashboard; "" when the union is not on the tree
    text: str = ""  # the value in its display unit (formatting.value_text), worked out once


def cells(
    rows: Sequence[Sequence[Division]],
    values: dict[str, int],
    urls: dict[str, str],
    unit: str = "",
) -> list[list[Cell]]:
    top = max((values.get(d.code, 0) for row in rows for d in row if d.parent_code != PROVINCE),
              default=0)  # fmt: skip
    top_city = max((values.get(row[0].code, 0) for row in rows if row), default=0)
    return [
        [
            Cell(
                d.code,
                d.name,
                d.parent_code == PROVINCE,
                values.get(d.code, 0),
                shade(values.get(d.code, 0), top_city if d.parent_code == PROVINCE else top),
                urls.get(d.code, ""),
                value_text(values.get(d.code, 0), unit),
            )
            for d in row
        ]
        for row in rows
    ]


def _cell_html(cell: Cell) -> str:
    """One cell as the template wrote it (escaped as Django escapes: html.escape)."""
    tag, href = ("a", f' href="{escape(cell.url)}"') if cell.url else ("span", "")
    city = " map-city" if cell.is_city else ""
    name, text = escape(cell.name), escape(cell.text)
    return (
        f'<{tag} class="map-cell heat-{cell.shade}{city}"{href} data-code="{escape(cell.code)}"'
        f' title="{name}: {text}"><span class="map-name">{name}</span>'
        f' <span class="map-value">{text}</span></{tag}>'
    )


def grid_html(grid: Sequence[Sequence[Cell]]) -> SafeString:
    """The grid's rows of cells, rendered once in Python (the province has some 180 cells:
    a template loop over them costs more than the rest of the page)."""
    return mark_safe(  # noqa: S308 — every part escaped
        "".join(
            '<div class="map-row">' + "".join(_cell_html(cell) for cell in row) + "</div>"
            for row in grid
        )
    )


def table_html(cells: Iterable[Cell]) -> SafeString:
    """The rows of the map's table (its accessible alternative), rendered once in Python."""
    rows = []
    for cell in cells:
        name = escape(cell.name)
        if cell.url:
            name = f'<a href="{escape(cell.url)}">{name}</a>'
        rows.append(
            f"<tr><td>{escape(cell.code)}</td><td>{name}</td>"
            f'<td class="num">{escape(cell.text)}</td></tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 — every part escaped


# ---- An approved outline (GeoJSON) ------------------------------------------------------


def _feature_code(feature: Any) -> str:
    properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
    for key in CODE_KEYS:
        if properties.get(key) not in (None, ""):
            return str(properties[key]).strip()
    return ""


def _rings(geometry: Any) -> list[list[list[float]]]:
    """The outer and inner rings of a Polygon or MultiPolygon."""
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [ring for polygon in polygons for ring in polygon]


def check_geojson(raw: bytes | str) -> dict[str, Any]:
    """The GeoJSON read and checked: a FeatureCollection of (Multi)Polygons, each with a code
    of the GB/T 2260 table; a clear refusal (field "geojson") otherwise."""
    if len(raw) > MAX_BYTES:
        raise RuleViolation(_("The map file is larger than 20 MB."), field="geojson")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RuleViolation(_("The map file is not valid GeoJSON."), field="geojson") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features or data.get("type") != "FeatureCollection":
        raise RuleViolation(
            _("The map file must be a GeoJSON FeatureCollection with features."), field="geojson"
        )
    known = division_codes()
    unknown = sorted({_feature_code(f) or _("(no code)") for f in features} - known)
    if unknown:
        raise RuleViolation(
            _("These feature codes are not GB/T 2260 codes of Henan: %(codes)s")
            % {"codes": "、".join(unknown[:50])},
            field="geojson",
            code="unknown_codes",
        )
    if not all(_rings(f.get("geometry")) for f in features):
        raise RuleViolation(
            _("Every feature of the map file must be a Polygon or a MultiPolygon."),
            field="geojson",
        )
    return data


@transaction.atomic
def load_outline(raw: bytes | str, *, name: str, by: Actor | None) -> MapShape:
    """Keep an approved outline (checked first); the map draws the latest one. Audited."""
    data = check_geojson(raw)
    text = raw.encode() if isinstance(raw, str) else raw
    shape = MapShape.objects.create(
        name=name.strip()[:100] or "GeoJSON",
        geojson=data,
        sha256=hashlib.sha256(text).hexdigest(),
        codes=len({_feature_code(f) for f in data["features"]}),
        loaded_by=staff_of(by) if by is not None else None,
    )
    record_event(
        shape, "reports.map_loaded", by=by, changes={"name": shape.name, "sha256": shape.sha256}
    )
    return shape


def current_outline() -> MapShape | None:
    return MapShape.objects.order_by("-id").first()


def _points(features: Iterable[Any]) -> list[list[float]]:
    return [point for f in features for ring in _rings(f.get("geometry")) for point in ring]


def svg_paths(shape: MapShape, wanted: set[str]) -> tuple[list[tuple[str, str]], str]:
    """The outline's features of the codes wanted as SVG path data (code, d) and the viewBox:
    an equirectangular projection scaled to the box, north up."""
    features = [f for f in shape.geojson.get("features", []) if _feature_code(f) in wanted]
    points = _points(features)
    if not points:
        return [], f"0 0 {WIDTH:.0f} {HEIGHT:.0f}"
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    stretch = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span = max((max(xs) - min(xs)) * stretch, max(ys) - min(ys)) or 1.0
    scale = min(WIDTH, HEIGHT) / span

    def at(point: list[float]) -> str:
        x = (point[0] - min(xs)) * stretch * scale
        y = (max(ys) - point[1]) * scale
        return f"{x:.1f},{y:.1f}"

    paths = []
    for feature in features:
        d = " ".join(
            "M" + " L".join(at(p) for p in ring) + " Z" for ring in _rings(feature["geometry"])
        )
        paths.append((_feature_code(feature), d))
    width = (max(xs) - min(xs)) * stretch * scale
    height = (max(ys) - min(ys)) * scale
    return paths, f"0 0 {width:.0f} {height:.0f}"
