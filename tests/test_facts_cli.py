"""`depeche facts suggest` and `accept`: drafts from the stored article, accepted by id."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from app import create_app
from app.cli import main
from tests.conftest import SLUG


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_suggestions_are_offered_then_accepted_by_id(
    data_copy: Path, runner_env: dict[str, str], no_models: Path
) -> None:
    (data_copy / "articles" / SLUG / "facts.yaml").unlink()
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = cli(runner_env, "facts", "suggest", SLUG)
    assert code == 0, output
    offered = yaml.safe_load(output)["suggestions"]
    count = next(s for s in offered if s["value"] == {"type": "count", "number": 119})
    sentence_start, sentence_end = count["start"], count["end"]
    assert sentence_end > sentence_start and count["quote"]
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": runner_env["DEPECHE_DATABASE_URL"],
            "MODELS_DIR": no_models,
            "CHANGE_CHECK_INTERVAL": 0,
        }
    )
    client = app.test_client()
    assert client.get(f"/api/v1/articles/{SLUG}/facts?lang=en").status_code == 404  # drafts only
    code, output = cli(runner_env, "facts", "accept", SLUG, count["id"])
    assert code == 0 and f"accepted {count['id']}" in output
    published = client.get(f"/api/v1/articles/{SLUG}/facts?lang=en").json["facts"]
    assert [(f["id"], f["value"]["number"]) for f in published] == [(count["id"], 119)]
    # Accepting again keeps the one fact under its id.
    assert cli(runner_env, "facts", "accept", SLUG, count["id"])[0] == 0
    again = client.get(f"/api/v1/articles/{SLUG}/facts?lang=en").json["facts"]
    assert [f["id"] for f in again] == [count["id"]]


def test_an_unknown_suggestion_is_refused(runner_env: dict[str, str], data_copy: Path) -> None:
    assert cli(runner_env, "import", str(data_copy))[0] == 0
    code, output = cli(runner_env, "facts", "accept", SLUG, "no-such-fact")
    assert code == 1 and "no suggestion 'no-such-fact'" in output
