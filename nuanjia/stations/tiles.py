"""An optional map of slippy tiles, only where STATIONS_MAP_TILES names a tile server.

Pages work without it (an intranet may have no tiles). When set — a URL template such as
"https://tiles.example.org/{z}/{x}/{y}.png" serving GCJ-02 tiles, as Chinese tile servers do —
a 3×3 mosaic around the point is drawn as SVG <image> elements with circle markers: no
script, no inline style. The tile server's origin must be allowed in the CSP's img-src
(STATIONS_MAP_TILES_ORIGIN, added by the settings).
"""

import math

from django.conf import settings

TILE = 256
ZOOM = 15


def _pixel(lat: float, lng: float, zoom: int) -> tuple[float, float]:
    scale = TILE * 2**zoom
    x = (lng + 180.0) / 360.0 * scale
    rad = math.radians(lat)
    y = (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * scale
    return x, y


def tile_map(lat: float, lng: float, *, points=(), zoom: int = ZOOM) -> dict | None:
    """Tiles and markers (SVG coordinates in a 768×768 box) centred on a GCJ-02 point."""
    template = getattr(settings, "STATIONS_MAP_TILES", "")
    if not template:
        return None
    centre_x, centre_y = _pixel(lat, lng, zoom)
    tile_x, tile_y = int(centre_x // TILE), int(centre_y // TILE)
    origin_x, origin_y = (tile_x - 1) * TILE, (tile_y - 1) * TILE
    tiles = [
        {
            "url": template.format(z=zoom, x=tile_x + dx, y=tile_y + dy),
            "x": (dx + 1) * TILE,
            "y": (dy + 1) * TILE,
        }
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    ]
    markers = []
    for index, (p_lat, p_lng) in enumerate(points, start=1):
        x, y = _pixel(p_lat, p_lng, zoom)
        if 0 <= x - origin_x <= 3 * TILE and 0 <= y - origin_y <= 3 * TILE:
            markers.append({"x": round(x - origin_x, 1), "y": round(y - origin_y, 1), "n": index})
    return {
        "size": 3 * TILE,
        "tiles": tiles,
        "markers": markers,
        "here": {"x": round(centre_x - origin_x, 1), "y": round(centre_y - origin_y, 1)},
    }


def allow_tiles(response):
    """Let this response load images from the tile server (CSP img-src), when one is set."""
    template = getattr(settings, "STATIONS_MAP_TILES", "")
    if template:
        from urllib.parse import urlsplit

        parts = urlsplit(template)
        response._csp_update = {"img-src": [f"{parts.scheme}://{parts.netloc}"]}
    return response
