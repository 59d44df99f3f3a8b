"""Numbers and pages for people: thousands separators, percentages, a name
beside each id, HTML tables with every cell escaped, and the page shell that
carries plotly.js once (inlined: the page works offline, no CDN)."""

from __future__ import annotations

import html
import math


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def money(v) -> str:
    """1234.5 -> '1,234.5'; blank -> ''."""
    return "" if _blank(v) else f"{v:,.1f}"


def number(v, digits: int = 4) -> str:
    """A figure with `digits` significant digits and thousands separators."""
    if _blank(v):
        return ""
    return f"{v:,.{digits}g}" if abs(v) < 10 ** digits else f"{v:,.0f}"


def percent(v, digits: int = 1) -> str:
    """0.1234 -> '12.3 %'; blank -> ''."""
    return "" if _blank(v) else f"{100 * v:,.{digits}f} %"


def label(project: str, name: str | None) -> str:
    """'P01 Redesign analytics' (the id alone when there is no name)."""
    return f"{project} {name}" if name else str(project)


def share_of_bound(objective, bound) -> str:
    """The objective as a share of the bound: '100.0 % of the bound 0.48'."""
    if _blank(objective) or _blank(bound) or bound == 0:
        return "no bound"
    return f"{percent(objective / bound)} of the bound {number(bound, 6)}"


def table(columns: list[str], rows: list[tuple], numeric: set[str] = frozenset(),
          cls: str = "") -> str:
    """An HTML table; cells are text (escaped), the `numeric` columns right-aligned."""
    right = [c in numeric for c in columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{html.escape(_text(v))}</td>' if r
                         else f"<td>{html.escape(_text(v))}</td>"
                         for v, r in zip(row, right, strict=True)) + "</tr>"
        for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _text(v) -> str:
    return "" if _blank(v) else str(v)


def kpi_grid(items: list[tuple[str, str]]) -> str:
    """Headline figures as tiles: (label, formatted value)."""
    tiles = "".join(f'<div class="kpi"><div class="v">{html.escape(v)}</div>'
                    f'<div class="k">{html.escape(k)}</div></div>' for k, v in items)
    return f'<div class="kpis">{tiles}</div>'


def figure_div(figure, div_id: str) -> str:
    """A figure as a <div id=div_id> drawing itself with the page's plotly.js."""
    return figure.to_html(include_plotlyjs=False, full_html=False, div_id=div_id,
                          config={"displaylogo": False, "responsive": True})


STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.kpis{display:flex;flex-wrap:wrap;gap:10px;margin:1em 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:140px}
.kpi .v{font-size:1.3em;font-weight:600}.kpi .k{font-size:12px;color:#666}
.note{color:#666;font-size:13px}"""


def page(title: str, body: str) -> str:
    """A whole page: plotly.js inlined once in the head, then `body`."""
    from plotly.offline import get_plotlyjs

    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")
