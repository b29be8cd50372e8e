"""Applies a generated service's Alembic revisions for real: upgrade head, compare the database with the models,
downgrade base, upgrade head again. Run from the service folder with DATABASE_URL set; prints one JSON report."""
import json
import os
import sys
import traceback


def main() -> int:
    report = {"steps": [], "drift": [], "leftover": []}

    def step(name, action):
        try:
            action()
        except Exception as exc:  # the report says which step failed and why; the caller turns it into a finding
            report["steps"].append({"step": name, "ok": False, "error": f"{type(exc).__name__}: {exc}"})
            report["trace"] = traceback.format_exc(limit=6)
            return False
        report["steps"].append({"step": name, "ok": True})
        return True

    sys.path.insert(0, os.getcwd())  # the service's `app` package
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    import sqlalchemy as sa

    from app import models  # noqa: F401
    from app.db import Base, database_url_from_env

    config = Config("alembic.ini")
    config.attributes["configure_logger"] = False
    engine = sa.create_engine(database_url_from_env(), poolclass=sa.pool.NullPool)

    def drift():
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            for diff in compare_metadata(context, Base.metadata):
                report["drift"].append(describe(diff))
        if report["drift"]:
            raise AssertionError(f"{len(report['drift'])} difference(s) between the migrated database and app/models.py")

    def emptied():
        with engine.connect() as connection:
            left = [name for name in sa.inspect(connection).get_table_names() if name != "alembic_version"]
        report["leftover"] = sorted(left)
        if left:
            raise AssertionError(f"tables left after downgrading to base: {', '.join(sorted(left))}")

    ok = (
        step("upgrade head", lambda: command.upgrade(config, "head"))
        and step("models match the migrated schema", drift)
        and step("downgrade base", lambda: command.downgrade(config, "base"))
        and step("downgrade base leaves no tables", emptied)
        and step("upgrade head again", lambda: command.upgrade(config, "head"))
    )
    engine.dispose()
    print(json.dumps(report, sort_keys=True))
    return 0 if ok else 1


def describe(diff) -> str:
    """One line per difference compare_metadata found (it nests column changes in lists)."""
    if isinstance(diff, list):
        return "; ".join(describe(item) for item in diff)
    kind, *rest = diff
    names = []
    for item in rest:
        name = getattr(item, "name", None)
        table = getattr(getattr(item, "table", None), "name", None)
        if name is not None:
            names.append(f"{table}.{name}" if table and kind.endswith("column") else str(name))
        elif isinstance(item, str):
            names.append(item)
    return f"{kind} {' '.join(names)}".strip()


if __name__ == "__main__":
    sys.exit(main())
