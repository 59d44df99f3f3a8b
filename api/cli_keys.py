"""`spmo keys` (create, list, revoke API keys of the HTTP API) and `spmo db
upgrade` (bring the store's schema to the newest migration). They act on the
store of `--database`, else SPMO_DATABASE_URL, as `spmo serve` would.

`spmo keys create --role plan --name portal [--org ORG]` prints the key once:
only its hash is stored, so it cannot be shown again (revoke it and create
another). Exit 2 for a bad option or an unknown key id, 1 when the database
cannot be opened.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from spmo.engine.errors import Problem

from .cli_common import app, fail, settings_or_exit
from .keys import ROLES
from .tables import DEFAULT_ORG

keys_app = typer.Typer(no_args_is_help=True, help="API keys of the HTTP API (docs/http.md).")
db_app = typer.Typer(no_args_is_help=True, help="The HTTP API's database.")
app.add_typer(keys_app, name="keys")
app.add_typer(db_app, name="db")
DatabaseOption = Annotated[str | None, typer.Option(
    "--database", help="SQLAlchemy URL (default SPMO_DATABASE_URL, else sqlite:///spmo.db)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


def open_store(database: str | None):
    """The store (migrated to the newest revision), or exit 1 saying why."""
    from .store import Store

    settings = settings_or_exit(**({"database_url": database} if database else {}))
    try:
        return Store(settings.database_url)
    except Exception as exc:  # a missing driver, a refused connection, a failed migration
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        Console(stderr=True).print(f"[red]error:[/] cannot open the database: "
                                   f"{escape(first)}")
        raise typer.Exit(1) from None


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="read, plan or admin")],
    name: Annotated[str, typer.Option(help="who uses it, e.g. portal")],
    org: Annotated[str, typer.Option(help="its organisation")] = DEFAULT_ORG,
    database: DatabaseOption = None,
    as_json: JsonOption = False,
):
    """Create a key and print it, once."""
    problems = []
    if role not in ROLES:
        problems.append(Problem("options", None, "--role", f"one of {', '.join(ROLES)}"))
    if not name.strip() or len(name) > 200:
        problems.append(Problem("options", None, "--name", "1 to 200 characters"))
    if not org.strip() or len(org) > 64:
        problems.append(Problem("options", None, "--org", "1 to 64 characters"))
    if problems:
        fail(problems, as_json)
    summary, key = open_store(database).create_key(name.strip(), role, org.strip())
    if as_json:
        print(json.dumps({**_public(summary), "key": key}, indent=1))
        return
    print(key)
    Console(stderr=True).print(
        f"key {summary['id']} ({escape(summary['name'])}, role {summary['role']}, "
        f"org {escape(summary['org'])}): shown once, only its hash is stored; send it as "
        "X-API-Key or Authorization: Bearer")


def _public(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "hash"}


@keys_app.command("list")
def list_keys(
    org: Annotated[str | None, typer.Option(help="only this organisation's")] = None,
    database: DatabaseOption = None,
    as_json: JsonOption = False,
):
    """Every key (never the key itself), revoked ones too."""
    rows = open_store(database).list_keys(org)
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    table = Table("id", "name", "org", "role", "created", "revoked")
    for row in rows:
        table.add_row(row["id"], escape(row["name"]), escape(row["org"]), row["role"],
                      row["created"], row["revoked"] or "")
    Console().print(table)


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(metavar="ID", help="the key's id")],
           database: DatabaseOption = None):
    """Revoke a key: every request with it is 401 from now on."""
    revoked = open_store(database).revoke_key(key_id)
    if revoked is None:
        fail([Problem("keys", None, "id", f"no key with id '{key_id}'")], False)
    Console().print(f"revoked {revoked['id']} ({escape(revoked['name'])}) "
                    f"at {revoked['revoked']}")


@db_app.command("upgrade")
def upgrade(database: DatabaseOption = None):
    """Bring the database to the newest migration (`spmo serve` does it at start)."""
    from .migrate import current, head

    store = open_store(database)  # opening upgrades
    Console().print(f"database at revision {current(store.engine)} (newest: {head()})")
