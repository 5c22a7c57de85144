"""The content store: schema and migrations agree, import/export round trips, atomic imports,
pagination, reads per request, machine fill stored for every worker."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.engine import Engine as SAEngine

from app import create_app
from app.cli import main
from app.config import PROJECT_ROOT
from app.content import repository as articles
from app.jobs import jobs_for
from app.store.database import Database
from app.store.migrate import head, upgrade
from app.store.models import Base, StoreState
from app.store.schema import SCHEMA, current
from app.translation.packages import install_archive
from tests.conftest import DATA_DIR, FIXTURE_MODELS, SLUG
from tests.granian import granian
from tests.store import drop, new_url, on_postgresql


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def copies(root: Path, count: int) -> Path:
    """A data root with *count* copies of the seed: distinct slugs, one published a day."""
    seed = DATA_DIR / "articles" / SLUG
    for number in range(count):
        slug = f"story-{number:03d}"
        folder = root / "articles" / slug
        shutil.copytree(seed, folder)
        md = folder / "article.md"
        day = f"2023-{1 + number // 28:02d}-{1 + number % 28:02d}"
        md.write_text(
            md.read_text()
            .replace(f"slug: {SLUG}", f"slug: {slug}")
            .replace("published: 2023-10-02", f"published: {day}")
        )
    return root


def test_the_models_and_the_migrations_agree(tmp_path: Path) -> None:
    database = Database(new_url(tmp_path))
    try:
        upgrade(database)
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        database.dispose()
    assert differences == []


def test_the_schema_a_web_process_needs_is_the_newest_migration(tmp_path: Path) -> None:
    assert SCHEMA == head()
    database = Database(new_url(tmp_path))
    try:
        assert current(database) is None
        upgrade(database)
        assert current(database) == SCHEMA
    finally:
        database.dispose()


def test_a_web_worker_leaves_migrations_and_jobs_unimported(
    seed_database: str, no_models: Path
) -> None:
    # Alembic (~11 MB) is for `depeche db upgrade`; huey with the redis and psycopg clients it
    # imports (~16 MB) is for a worker that queues a job; psycopg is for a PostgreSQL store.
    script = (
        "import sys; from app import create_app; "
        f"app = create_app({{'TESTING': True, 'DATABASE_URL': {seed_database!r}, "
        f"'MODELS_DIR': {str(no_models)!r}}}); "
        f"assert app.test_client().get('/api/v1/articles/{SLUG}?lang=fr').status_code == 200; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'huey', 'psycopg'}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    assert found.stdout.strip() == str(["psycopg"] if on_postgresql() else [])


def test_a_read_sees_one_snapshot_while_another_process_commits(
    data_copy: Path, database_for: Callable[[Path], str]
) -> None:
    url = database_for(data_copy)
    reader, writer = Database(url), Database(url)
    try:
        with reader.read() as session:
            before = session.execute(select(StoreState.seq)).scalar_one()
            with writer.write() as other:
                row = articles.find(other, SLUG)
                assert row is not None
                row.headline = "Committed during a read"
                articles.record(other, row, "test", "correct")
            again = session.execute(select(StoreState.seq)).scalar_one()
            found = articles.find(session, SLUG)
            assert found is not None
            headline = found.headline
        assert again == before
        assert headline != "Committed during a read"
        assert reader.seq() == before + 1
    finally:
        reader.dispose()
        writer.dispose()


def test_import_then_export_gives_the_seed_back_byte_for_byte(
    tmp_path: Path, runner_env: dict[str, str]
) -> None:
    assert cli(runner_env, "import", str(DATA_DIR))[0] == 0
    code, output = cli(runner_env, "import", str(DATA_DIR))
    assert code == 0 and "1 articles read, 0 changed, 0 refused" in output  # idempotent
    assert cli(runner_env, "export", str(tmp_path / "out"))[0] == 0
    assert files(tmp_path / "out" / "articles") == files(DATA_DIR / "articles")


def test_a_bad_folder_is_refused_whole_and_the_stored_version_stays(
    data_copy: Path, tmp_path: Path, runner_env: dict[str, str]
) -> None:
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    folder = data_copy / "articles" / SLUG
    md = folder / "article.md"
    md.write_text(md.read_text().replace("dateline: Gao", "dateline: Bamako"))
    po = folder / "fr.po"
    po.write_text(po.read_text() + '\nmsgid "unterminated\n')
    code, output = cli(runner_env, "import", str(data_copy))
    assert code == 1 and str(po) in output and "0 changed, 1 refused" in output
    assert cli(runner_env, "export", str(tmp_path / "out"))[0] == 0
    exported = (tmp_path / "out" / "articles" / SLUG / "article.md").read_text()
    assert "dateline: Gao\n" in exported  # nothing of the bad folder was written


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("charset", "unknown charset 'klingon'"),
        ("latin-1", "declares charset iso-8859-1 but its text is UTF-8"),
        ("duplicate", "is given twice"),
        ("symlink", "links outside"),
        ("nested", "nested too deeply"),
        ("huge", "larger than"),
    ],
)
def test_bad_files_are_refused_naming_the_file(
    data_copy: Path, tmp_path: Path, runner_env: dict[str, str], breakage: str, message: str
) -> None:
    folder = data_copy / "articles" / SLUG
    po, facts = folder / "fr.po", folder / "facts.yaml"
    named = po
    if breakage == "charset":
        po.write_text(po.read_text().replace("charset=utf-8", "charset=klingon"))
    elif breakage == "latin-1":
        po.write_text(po.read_text().replace("charset=utf-8", "charset=iso-8859-1"))
    elif breakage == "duplicate":
        text = po.read_text()
        entry = text[text.index('msgctxt "headline"') : text.index('msgctxt "standfirst"')]
        po.write_text(text + "\n" + entry)
    elif breakage == "symlink":
        outside = tmp_path / "outside.md"
        shutil.copy(folder / "article.md", outside)
        (folder / "article.md").unlink()
        (folder / "article.md").symlink_to(outside)
        named = folder / "article.md"
    elif breakage == "nested":
        facts.write_text("facts: " + "[" * 100_000 + "]" * 100_000 + "\n")
        named = facts
    else:
        md = folder / "article.md"
        md.write_text(md.read_text() + "Word. " * 400_000)
        named = md
    code, output = cli(runner_env, "import", str(data_copy))
    assert code == 1, output
    assert f"{named}: " in output and message in output


def test_start_up_reads_no_article(seed_database: str, no_models: Path) -> None:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(SAEngine, "before_cursor_execute", record)
    try:
        create_app({"TESTING": True, "DATABASE_URL": seed_database, "MODELS_DIR": no_models})
    finally:
        event.remove(SAEngine, "before_cursor_execute", record)
    assert statements  # it did look at the schema and the change number
    touched = " ".join(statements).lower()
    for table in ("articles", "segments", "translations", "facts", "catalogs"):
        assert f" {table}" not in touched


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of 45 articles (copies of the seed, one published a day)."""
    root = copies(tmp_path_factory.mktemp("archive"), 45)
    url = new_url(tmp_path_factory.mktemp("archive-db"))
    assert cli({"DEPECHE_DATABASE_URL": url}, "import", str(root))[0] == 0
    yield url
    drop(url)


def test_the_list_pages_newest_first_with_a_cursor_and_a_link(
    archive: str, no_models: Path
) -> None:
    client = create_app(
        {"TESTING": True, "DATABASE_URL": archive, "MODELS_DIR": no_models}
    ).test_client()
    seen: list[str] = []
    url: str | None = "/api/v1/articles?lang=fr&limit=20"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json
        seen += [a["slug"] for a in body["articles"]]
        pages += 1
        if body["next"]:
            link = response.headers["Link"]
            assert link.endswith('>; rel="next"') and f"cursor={body['next']}" in link
            url = link[1 : link.index(">")]
        else:
            assert "Link" not in response.headers
            url = None
    assert pages == 3 and len(seen) == 45 == len(set(seen))
    assert seen == [f"story-{n:03d}" for n in range(44, -1, -1)]  # newest first
    first = client.get("/api/v1/articles?lang=fr").json
    assert len(first["articles"]) == 20  # the default page
    assert first["articles"][0]["headline"].startswith("Un convoi de l’armée malienne")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=", "cursor"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("since=yesterday", "since"),
        ("language=de", "language"),
    ],
)
def test_a_bad_page_query_is_a_problem_naming_the_field(
    client: FlaskClient, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/articles?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]["query"]) == [field]


def test_the_list_filters_by_date(archive: str, no_models: Path) -> None:
    client = create_app(
        {"TESTING": True, "DATABASE_URL": archive, "MODELS_DIR": no_models}
    ).test_client()
    body = client.get("/api/v1/articles?since=2023-02-15&limit=100").json
    assert [a["published"]["date"] for a in body["articles"]][-1] == "2023-02-15"
    assert len(body["articles"]) == 45 - 28 - 14
    assert client.get("/api/v1/articles?language=fr").json["articles"] == []


def test_the_home_page_shows_twenty_and_links_to_older(archive: str, no_models: Path) -> None:
    client = create_app(
        {"TESTING": True, "DATABASE_URL": archive, "MODELS_DIR": no_models}
    ).test_client()
    page = client.get("/fr/").get_data(as_text=True)
    assert page.count('<h2><a href="/fr/articles/story-') == 20
    assert "story-044" in page and "story-024" not in page
    start = page.index('rel="next" href="') + len('rel="next" href="')
    older = page[start : page.index('"', start)].replace("&amp;", "&")
    assert "Articles plus anciens" in page
    second = client.get(older).get_data(as_text=True)
    assert "story-024" in second and "story-044" not in second
    assert client.get("/fr/?cursor=nonsense").status_code == 404


def test_a_model_installed_after_start_up_queues_the_edition_and_every_worker_serves_it(
    data_copy: Path,
    tmp_path: Path,
    database_for: Callable[[Path], str],
) -> None:
    (data_copy / "articles" / SLUG / "fr.po").unlink()
    url = database_for(data_copy)
    models, none = tmp_path / "models", tmp_path / "none"
    models.mkdir()
    none.mkdir()
    worker = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "MODELS_DIR": models,
            "BEAM_SIZE": 1,
            "CHANGE_CHECK_INTERVAL": 0,
        }
    )
    other = create_app(
        {"TESTING": True, "DATABASE_URL": url, "MODELS_DIR": none, "CHANGE_CHECK_INTERVAL": 0}
    )
    article = f"/api/v1/articles/{SLUG}?lang=fr"
    before = worker.test_client().get(article).json
    assert before["translation"]["counts"]["untranslated"] == 27
    install_archive(FIXTURE_MODELS / "translate-en_fr.argosmodel", models)
    assert worker.test_client().get(article).json["translation"]["pending"] is True
    assert jobs_for(worker).drain() == 1  # the queued job, as `depeche jobs worker` runs it
    filled = worker.test_client().get(article)
    assert filled.json["translation"]["counts"]["machine"] == 27
    # Another worker, with no model at all, serves the same stored text and ETag.
    served = other.test_client().get(article)
    assert served.json["translation"]["counts"]["machine"] == 27
    assert served.headers["ETag"] == filled.headers["ETag"]


def test_every_granian_worker_serves_a_change_made_elsewhere(
    data_copy: Path, tmp_path: Path, database_for: Callable[[Path], str]
) -> None:
    url = database_for(data_copy)
    page = f"/api/v1/articles/{SLUG}?lang=en"
    with granian(tmp_path / "granian.log", workers=2, DEPECHE_DATABASE_URL=url) as base:

        def etag() -> str:
            request = urllib.request.Request(base + page, headers={"Connection": "close"})
            with urllib.request.urlopen(request, timeout=5) as response:
                return str(response.headers["ETag"])

        old = {etag() for _ in range(20)}
        assert len(old) == 1
        md = data_copy / "articles" / SLUG / "article.md"
        md.write_text(md.read_text().replace("dateline: Gao", "dateline: Gao (Mali)"))
        assert cli({"DEPECHE_DATABASE_URL": url}, "import", str(data_copy))[0] == 0
        deadline = time.monotonic() + 5
        while True:
            seen = {etag() for _ in range(20)}
            if not seen & old:
                break
            assert time.monotonic() < deadline, "a worker kept serving the old version"
            time.sleep(0.05)
        assert len(seen) == 1


def test_no_free_connection_is_a_503_with_retry_after(seed_database: str, no_models: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": seed_database,
            "MODELS_DIR": no_models,
            "DATABASE_POOL_SIZE": 1,
            "DATABASE_MAX_OVERFLOW": 0,
            "DATABASE_POOL_TIMEOUT": 0.2,
        }
    )
    database = app.extensions["depeche.database"]
    try:
        with database.engine.connect():  # the pool's one connection, busy
            answer = app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr")
        assert answer.status_code == 503
        assert answer.mimetype == "application/problem+json"
        assert answer.headers["Retry-After"] == "2"
        assert app.test_client().get(f"/api/v1/articles/{SLUG}?lang=fr").status_code == 200
    finally:
        database.dispose()
