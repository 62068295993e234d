"""The migrations build exactly the schema the models describe, on this run's database."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from circles import create_app
from circles.extensions import db
from circles.models import Base, LibraryPrompt
from tests.conftest import app_config, database_url
from tests.support.databases import fresh_database


def _drift(app) -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(tmp_path: Path) -> None:
    with fresh_database(database_url(), tmp_path) as url:
        app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            flask_migrate.upgrade()
            assert _drift(app) == []
            assert db.session.scalar(db.select(db.func.count()).select_from(LibraryPrompt)) >= 40
            db.session.remove()
            flask_migrate.downgrade(revision="base")
            assert sorted(db.inspect(db.engine).get_table_names()) == ["alembic_version"]
            flask_migrate.upgrade()
            assert _drift(app) == []
            db.engine.dispose()
