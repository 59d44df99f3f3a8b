"""Two processes migrating one fresh SQLite file at once (two `spmo serve`,
or `spmo db upgrade` beside a starting server) both succeed: the file lock
next to the database (api/migrate.file_lock) puts them one after the other,
and the schema is the newest revision with every table."""

from __future__ import annotations

import multiprocessing

import sqlalchemy as sa
from spmo.api.migrate import current, head, lock_path, upgrade
from spmo.api.tables import metadata

ROUNDS = 3


def migrate(url: str, barrier, answers) -> None:
    barrier.wait(30)  # both start together
    try:
        answers.put(("ok", upgrade(sa.create_engine(url))))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        answers.put(("error", f"{type(exc).__name__}: {exc}"))


def test_two_migrations_at_once_on_a_fresh_file_both_succeed(tmp_path):
    spawn = multiprocessing.get_context("spawn")
    for i in range(ROUNDS):  # a race lost only sometimes without the lock: try a few
        url = f"sqlite:///{tmp_path / f'race{i}.db'}"
        barrier, answers = spawn.Barrier(2), spawn.Queue()
        workers = [spawn.Process(target=migrate, args=(url, barrier, answers))
                   for _ in range(2)]
        for w in workers:
            w.start()
        outcomes = [answers.get(timeout=120) for _ in workers]
        for w in workers:
            w.join(30)
        assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
        befores = sorted(str(o[1][0]) for o in outcomes)
        assert befores == sorted(["None", head()])  # one migrated, the other found it done
        engine = sa.create_engine(url)
        assert current(engine) == head()
        assert set(metadata.tables) <= set(sa.inspect(engine).get_table_names())


def test_the_lock_file_sits_next_to_a_sqlite_file_only(tmp_path):
    assert lock_path(sa.create_engine(f"sqlite:///{tmp_path / 'a.db'}")) == \
        tmp_path / "a.db.migrate-lock"
    assert lock_path(sa.create_engine("sqlite://")) is None
    assert lock_path(sa.create_engine("sqlite:///:memory:")) is None
    assert lock_path(sa.create_engine("postgresql+psycopg://u:p@localhost/x")) is None
