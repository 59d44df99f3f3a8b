"""The plan workbook's pictures: the roadmap sheet (a row per selected
project, the periods it runs filled in its category's colour) and the charts
sheet (native Excel charts over small tables beside them: for each budget
that has a limit per period, spend as bars and the limit as a line; skill
utilisation, demand over capacity, as a line per skill by period)."""

from __future__ import annotations

from collections import defaultdict

PALETTE = ("4E79A7", "F28E2B", "59A14F", "E15759", "76B7B2", "EDC948", "B07AA1",
           "FF9DA7", "9C755F", "BAB0AC")
"""Category colours (Tableau 10), given to the categories in sorted order."""
NO_CATEGORY = "(no category)"
ROADMAP_COLUMNS = ("project", "name", "category", "start", "finish")
CHART_ROWS = 18
"""Rows between two charts on the charts sheet."""


def category_colours(categories) -> dict[str, str]:
    """Each category's fill colour (a palette colour, in sorted order, cycling)."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(categories)))}


def write_roadmap(sheet, plan, portfolio) -> None:
    """A row per selected project (by start, then id): its id, name, category,
    start and finish, then a column per period, the periods it runs filled."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    periods = list(portfolio.periods)
    sheet.append([*ROADMAP_COLUMNS, *periods])
    rows = sorted(plan.selected, key=lambda s: (periods.index(s.start), s.project))
    categories = {s.project: _category(portfolio, s.project) for s in rows}
    colours = category_colours(categories.values())
    first = len(ROADMAP_COLUMNS) + 1
    for number, item in enumerate(rows, start=2):
        name = portfolio.projects["name"].get(item.project)
        sheet.append([item.project, None if _blank(name) else name, categories[item.project],
                      item.start, item.finish])
        fill = PatternFill("solid", fgColor=colours[categories[item.project]])
        for k in range(periods.index(item.start), periods.index(item.finish) + 1):
            sheet.cell(row=number, column=first + k).fill = fill
    _legend(sheet, colours, len(rows) + 3)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (10, 34, 16, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    for k in range(len(periods)):
        sheet.column_dimensions[get_column_letter(first + k)].width = 8
    sheet.freeze_panes = sheet.cell(row=2, column=first).coordinate
    fit_to_page(sheet)


def _category(portfolio, project: str) -> str:
    value = portfolio.projects["category"].get(project)
    return NO_CATEGORY if _blank(value) else str(value)


def _legend(sheet, colours: dict[str, str], row: int) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet.cell(row=row, column=2, value="colours: category").font = Font(italic=True)
    for k, (category, colour) in enumerate(colours.items(), start=1):
        sheet.cell(row=row + k, column=1).fill = PatternFill("solid", fgColor=colour)
        sheet.cell(row=row + k, column=2, value=category)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def spend_series(plan) -> dict[str, list[tuple[str, float, float]]]:
    """For each budget with a limit per period (its pool and category), the
    (period, spent, limit) rows in period order; without any, the spend by
    pool and period with no limit (NaN)."""
    out: dict[str, list] = defaultdict(list)
    for row in plan.spend:
        if row.limit is not None and row.period is not None:
            out[_budget_title(row)].append((row.period, row.amount, row.limit))
    if not out:
        for row in plan.spend:
            if row.period is not None:
                out[_budget_title(row)].append((row.period, row.amount, float("nan")))
    return dict(out)


def _budget_title(row) -> str:
    """capex, capex growth, growth or all spend: the budget's pool and category."""
    parts = [row.pool or "", row.category or ""]
    return " ".join(p for p in parts if p) or "all spend"


def write_charts(book, plan) -> None:
    """The charts sheet (no sheet when the plan has no spend or utilisation)."""
    spend = spend_series(plan)
    use = [u for u in plan.utilisation if u.capacity]
    if not spend and not use:
        return
    sheet = book.create_sheet("charts")
    row = 1
    for title, points in spend.items():
        _spend_chart(sheet, row, title, points)
        row += max(CHART_ROWS, len(points) + 3)
    if use:
        _utilisation_chart(sheet, row, use)
    for letter, width in zip("ABC", (12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    fit_to_page(sheet)


def fit_to_page(sheet) -> None:
    """Printed (or saved as PDF) landscape, one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _axes(chart, title: str, y_title: str, y_format: str) -> None:
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = "period"
    chart.y_axis.numFmt = y_format
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told
    chart.y_axis.delete = False
    chart.height, chart.width = 8.5, 18
    chart.legend.position = "b"


def _spend_chart(sheet, row: int, title: str, points) -> None:
    """A table of (period, spent, limit) at `row` and its bar + line chart beside it."""
    from openpyxl.chart import BarChart, LineChart, Reference

    sheet.cell(row=row, column=1, value="period")
    sheet.cell(row=row, column=2, value="spent")
    sheet.cell(row=row, column=3, value="limit")
    for k, (period, spent, limit) in enumerate(points, start=1):
        sheet.cell(row=row + k, column=1, value=period)
        sheet.cell(row=row + k, column=2, value=spent).number_format = "#,##0.00"
        cell = sheet.cell(row=row + k, column=3, value=None if limit != limit else limit)
        cell.number_format = "#,##0.00"
    last = row + len(points)
    periods = Reference(sheet, min_col=1, min_row=row + 1, max_row=last)
    bars = BarChart()
    bars.add_data(Reference(sheet, min_col=2, min_row=row, max_row=last), titles_from_data=True)
    bars.set_categories(periods)
    if any(limit == limit for _, _, limit in points):
        line = LineChart()
        line.add_data(Reference(sheet, min_col=3, min_row=row, max_row=last),
                      titles_from_data=True)
        line.set_categories(periods)
        line.series[0].graphicalProperties.line.solidFill = "C00000"
        line.series[0].graphicalProperties.line.width = 28575
        line.series[0].smooth = False
        bars += line
    _axes(bars, f"{title}: spend and limit by period", "amount", "#,##0")
    sheet.add_chart(bars, sheet.cell(row=row, column=5).coordinate)


def _utilisation_chart(sheet, row: int, use) -> None:
    """A table of demand / capacity (period rows, skill columns) and its line chart."""
    from openpyxl.chart import LineChart, Reference

    periods = list(dict.fromkeys(u.period for u in use))
    skills = sorted({u.skill for u in use})
    load = {(u.skill, u.period): u.demand / u.capacity for u in use}
    sheet.cell(row=row, column=1, value="period")
    for j, skill in enumerate(skills, start=2):
        sheet.cell(row=row, column=j, value=skill)
    for k, period in enumerate(periods, start=1):
        sheet.cell(row=row + k, column=1, value=period)
        for j, skill in enumerate(skills, start=2):
            cell = sheet.cell(row=row + k, column=j, value=load.get((skill, period)))
            cell.number_format = "0%"
    last = row + len(periods)
    chart = LineChart()
    chart.add_data(Reference(sheet, min_col=2, max_col=len(skills) + 1, min_row=row,
                             max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=row + 1, max_row=last))
    for series in chart.series:
        series.smooth = False
    _axes(chart, "skill utilisation by period", "demand / capacity", "0%")
    sheet.add_chart(chart, sheet.cell(row=row, column=len(skills) + 3).coordinate)
