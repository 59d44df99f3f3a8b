"""The faces: everything a user types or reads, and every web or terminal framework.
Owns: the CLI (Typer) and rendering, the HTTP API (http/, FastAPI), the store
(SQLAlchemy; its Alembic migrations), API keys, the audit and decisions, app
settings, plan files, charts and workbooks.
May import: spmo.engine, spmo.planning, spmo.scenarios; not the solvers (a tested rule)."""
