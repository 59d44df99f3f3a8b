"""The store's Alembic migrations (run by api/migrate.py; `versions/` holds
one module per revision: a baseline, then each change of the schema)."""
