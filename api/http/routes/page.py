"""The planners' page (docs/page.md): `GET /` is the page, `GET /static/NAME`
its files: those in api/http/static/ (hand-written HTML, CSS and JavaScript,
no build step) and `plotly.min.js`, read from the installed plotly package, so
the page needs no network beyond this server. Any other name is 404. The
files are public (no API key): the page asks for the key and sends it as
`X-API-Key` on every call to /v1."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException, Response

router = APIRouter(include_in_schema=False)

STATIC = files("spmo.api.http") / "static"
PLOTLY = "plotly.min.js"
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


@cache
def plotly_js() -> bytes:
    """plotly.js as the installed plotly package ships it (read once)."""
    return (files("plotly") / "package_data" / PLOTLY).read_bytes()


def static_file(name: str) -> tuple[bytes, str]:
    """(content, media type) of a page file; 404 unless it is one."""
    if name == PLOTLY:
        return plotly_js(), MEDIA_TYPES[".js"]
    suffix = "." + name.rpartition(".")[2]
    entry = STATIC / name
    if "/" in name or name.startswith(".") or suffix not in MEDIA_TYPES or not entry.is_file():
        raise HTTPException(status_code=404, detail=f"no page file '{name}'")
    return entry.read_bytes(), MEDIA_TYPES[suffix]


@router.get("/")
def index() -> Response:
    """The page."""
    content, media_type = static_file("index.html")
    return Response(content, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    """A file of the page; plotly.js may be cached for a day, the rest is revalidated."""
    content, media_type = static_file(name)
    cache_control = "public, max-age=86400" if name == PLOTLY else "no-cache"
    return Response(content, media_type=media_type, headers={"Cache-Control": cache_control})
