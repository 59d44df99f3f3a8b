"""A portfolio sent as a workbook: `POST /v1/portfolios` with
multipart/form-data whose `file` field is an `.xlsx` workbook (one sheet
per table, as `spmo template` writes it). It is read by engine.io's reader
(the same as `spmo solve book.xlsx`) and validated; every problem is a 422
naming the sheet, row and column. What is stored is the portfolio's JSON
form (`Portfolio.to_document`): blank cells left out, the workbook's name
(its `portfolio` sheet, else the file's name) as `name`."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import Request
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.portfolio import Portfolio
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from . import planner
from .validation import Checked

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _file_name(upload: UploadFile) -> str:
    """A safe local name for the upload: its base name, `.xlsx` unless `.xlsm`."""
    stem = Path(upload.filename or "portfolio").stem
    suffix = Path(upload.filename or "").suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9._ -]", "_", stem)[:80] or "portfolio"
    return stem + (suffix if suffix in WORKBOOK_SUFFIXES else ".xlsx")


def _read(data: bytes, name: str) -> tuple[dict, Portfolio]:
    from spmo.engine.io import read_portfolio
    from spmo.engine.validate import validate

    with tempfile.TemporaryDirectory(prefix="spmo-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            portfolio = validate(read_portfolio(path))
        except InvalidPortfolio as exc:  # name the upload, not the temporary file
            raise InvalidPortfolio([Problem(p.table, p.row, p.column,
                                            p.message.replace(str(path), name))
                                    for p in exc.problems]) from None
    return portfolio.to_document(), portfolio


async def read_upload(request: Request) -> tuple[dict, Checked]:
    """(the portfolio's document, its `validation.Checked` summary) of a
    multipart request's `file`, or InvalidPortfolio naming what is wrong."""
    try:
        form = await request.form()
    except HTTPException as exc:  # a body that is not multipart at all (Starlette's 400)
        raise InvalidPortfolio([Problem("request", None, None,
                                        f"the multipart body cannot be read: {exc.detail}")]
                               ) from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidPortfolio([Problem("request", None, "file", (
            "a multipart body needs a `file` field: the portfolio workbook (.xlsx)"))])
    data = await upload.read()
    document, portfolio = await run_in_threadpool(_read, data, _file_name(upload))
    planner.check_solver(portfolio.settings.solver)
    return document, Checked(portfolio.name, len(portfolio.projects), list(portfolio.warnings))
