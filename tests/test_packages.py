"""Model management: crafted bad archives are refused and installed models stay untouched."""

from __future__ import annotations

import json
import random
import re
import stat
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from app.cli import main
from app.translation.metadata import parse_metadata
from app.translation.packages import (
    LOCK_FILE,
    PackageError,
    find,
    install_archive,
    installed,
    inventory,
    remove,
)
from tests.store import seed_settings

METADATA = {
    "package_version": "1.0",
    "argos_version": "1.9.0",
    "from_code": "en",
    "from_name": "English",
    "to_code": "fr",
    "to_name": "French",
    "type": "translate",
}


def build(path: Path, files: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    """Write a zip with *files* (name → bytes) and symlink members named in *links*."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return path


def package_files(top: str = "translate-en_fr-1_0", **metadata: object) -> dict[str, bytes]:
    return {
        f"{top}/metadata.json": json.dumps({**METADATA, **metadata}).encode(),
        f"{top}/sentencepiece.model": b"sp",
        f"{top}/model/model.bin": b"weights",
        f"{top}/model/config.json": b"{}",
    }


def test_a_well_formed_package_installs_and_is_locked(tmp_path: Path) -> None:
    models = tmp_path / "models"
    package = install_archive(build(tmp_path / "ok.argosmodel", package_files()), models)
    assert (package.name, package.source, package.target, package.version) == (
        "translate-en_fr",
        "en",
        "fr",
        "1.0",
    )
    assert (models / "translate-en_fr" / "model" / "model.bin").read_bytes() == b"weights"
    lock = json.loads((models / LOCK_FILE).read_text())
    assert set(lock) == {"translate-en_fr"} and len(lock["translate-en_fr"]["sha256"]) == 64
    assert [p.name for p in installed(models)] == ["translate-en_fr"]
    assert remove(models, "en", "fr") and installed(models) == []


BAD = [
    ("absolute path", {"/etc/evil": b"x", **package_files()}, (), "unsafe path"),
    (
        "dot-dot path",
        {"translate-en_fr-1_0/../../evil": b"x", **package_files()},
        (),
        "unsafe path",
    ),
    (
        "link",
        {**package_files(), "translate-en_fr-1_0/model/link": b"/etc/passwd"},
        ("translate-en_fr-1_0/model/link",),
        "link in archive",
    ),
    ("two top folders", {**package_files(), "other/file": b"x"}, (), "one top folder"),
    (
        "no model",
        {k: v for k, v in package_files().items() if "model.bin" not in k},
        (),
        "lacks translate-en_fr-1_0/model/model.bin",
    ),
    ("wrong pair", package_files(from_code="fr", to_code="en"), (), "translates fr→en, not en→fr"),
    ("not translate", package_files(type="sbd"), (), "does not describe a translate package"),
    (
        "bomb",
        {**package_files(), "translate-en_fr-1_0/zeros": b"\0" * 5_000_000},
        (),
        "compression ratio",
    ),
]


TOP = "translate-en_fr-1_0"
NESTED = "translate-en_fr-1_0/" + "a/" * 20 + "file"
HUGE_NAME = f"{TOP}/model/{'x' * 300}"
DEEP_JSON = b'{"from_code": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
#: Incompressible bytes that keep a crafted archive under the compression-ratio cap.
NOISE = {f"{TOP}/README.md": random.Random(1).randbytes(4_000)}
BAD += [
    ("from_code is a list", package_files(from_code=["en"]), (), r"from_code \['en'\] is not a"),
    ("to_code is a number", package_files(to_code=7), (), "to_code 7 is not a language code"),
    ("dot-dot in a code", package_files(to_code="../../evil"), (), "'../../evil' is not a"),
    ("slash in a code", package_files(from_code="en/x"), (), "'en/x' is not a language code"),
    ("NUL in a code", package_files(to_code="fr\0"), (), r"'fr\\x00' is not a language"),
    ("empty code", package_files(from_code=""), (), "'' is not a language code"),
    ("long code", package_files(to_code="fr-" + "x" * 50), (), "is not a language code"),
    ("version is a dict", package_files(package_version={}), (), "package_version {} is not"),
    ("prefix is a list", package_files(target_prefix=["x"]), (), "target_prefix"),
    ("empty member name", {"": b"x", **package_files()}, (), "empty member name"),
    ("slash member name", {"/": b"x", **package_files()}, (), "empty member name"),
    ("deep path", {**package_files(), NESTED: b"x"}, (), "nested 22 deep"),
    ("long member name", {**package_files(), HUGE_NAME: b"x"}, (), "member name too long"),
    (
        "deep JSON",
        {**package_files(), f"{TOP}/metadata.json": DEEP_JSON, **NOISE},
        (),
        "nested too",
    ),
    ("not JSON", {**package_files(), f"{TOP}/metadata.json": b"{"}, (), "is not JSON"),
    ("not UTF-8", {**package_files(), f"{TOP}/metadata.json": b"\xff"}, (), "is not JSON"),
    ("list metadata", {**package_files(), f"{TOP}/metadata.json": b"[]"}, (), "not an object"),
    (
        "no tokenizer",
        {k: v for k, v in package_files().items() if "sentencepiece" not in k},
        (),
        "lacks translate-en_fr-1_0/sentencepiece.model or translate-en_fr-1_0/bpe.model",
    ),
    (
        "file where the model folder goes",
        {f"{TOP}/model": b"x", **package_files(package_version="2.0")},
        (),
        "cannot extract",
    ),
]


def tree(folder: Path) -> list[tuple[Path, bytes]]:
    return sorted((p.relative_to(folder), p.read_bytes()) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(("case", "files", "links", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_archives_are_refused_and_installed_models_untouched(
    tmp_path: Path, case: str, files: dict[str, bytes], links: tuple[str, ...], message: str
) -> None:
    models = tmp_path / "models"
    install_archive(build(tmp_path / "good.argosmodel", package_files()), models)
    before = tree(tmp_path)
    with pytest.raises(PackageError, match=message) as refused:
        install_archive(build(tmp_path / "bad.argosmodel", files, links), models, ("en", "fr"))
    assert str(refused.value).startswith("bad.argosmodel: ")
    (tmp_path / "bad.argosmodel").unlink()
    assert tree(tmp_path) == before  # nothing written, in the models folder or beside it
    assert sorted(p.name for p in models.iterdir()) == [LOCK_FILE, "translate-en_fr"]
    assert not Path("/etc/evil").exists()


@pytest.mark.parametrize(("case", "files", "links", "message"), BAD, ids=[b[0] for b in BAD])
def test_the_cli_refuses_bad_archives_with_a_message_not_a_traceback(
    tmp_path: Path, case: str, files: dict[str, bytes], links: tuple[str, ...], message: str
) -> None:
    bad = build(tmp_path / "bad.argosmodel", files, links)
    result = CliRunner().invoke(
        main,
        [
            "models",
            "install-file",
            str(bad),
            "--pair",
            "en",
            "fr",
            "--models-dir",
            str(tmp_path / "models"),
        ],
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: not installed: bad.argosmodel: ")
    assert re.search(message, result.output)
    assert "Traceback" not in result.output


def test_a_huge_metadata_json_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # Random hex compresses about 2:1, well within the ratio cap: only the size cap stops it.
    filler = random.Random(0).randbytes(2_000_000).hex()
    files = package_files(from_name=filler)
    archive = build(tmp_path / "huge.argosmodel", files)
    tracemalloc.start()
    try:
        with pytest.raises(PackageError, match=r"metadata.json is \d+ bytes \(limit 65536\)"):
            install_archive(archive, tmp_path / "models")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000  # the 4 MB metadata.json was never read, let alone parsed


def test_metadata_is_read_at_most_64_kib_whatever_its_header_says() -> None:
    with pytest.raises(PackageError, match="over 65536 bytes"):
        parse_metadata(b" " * 65_537)


def test_a_regional_code_names_the_folder_with_a_hyphen(tmp_path: Path) -> None:
    models = tmp_path / "models"
    files = package_files(from_code="pt_BR", to_code="en")
    package = install_archive(build(tmp_path / "pt.argosmodel", files), models, ("pt-BR", "en"))
    assert (package.name, package.source, package.target) == ("translate-pt-BR_en", "pt-BR", "en")
    assert package.path == models / "translate-pt-BR_en"
    assert find(models, "pt_BR", "en") == package


def test_leftover_old_and_removed_folders_do_not_stop_an_install(tmp_path: Path) -> None:
    models = tmp_path / "models"
    for leftover in (".translate-en_fr.old", ".translate-en_fr.removed"):
        (models / leftover / "model").mkdir(parents=True)
        (models / leftover / "model" / "model.bin").write_bytes(b"stale")
    first = build(tmp_path / "a.argosmodel", package_files())
    install_archive(first, models)
    newer = build(tmp_path / "b.argosmodel", package_files(package_version="1.1"))
    assert install_archive(newer, models).version == "1.1"
    assert remove(models, "en", "fr") and installed(models) == []
    assert sorted(p.name for p in models.iterdir()) == [
        ".translate-en_fr.old",
        ".translate-en_fr.removed",
        LOCK_FILE,
    ]


def test_a_damaged_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.argosmodel"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in package_files().items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    path.write_bytes(path.read_bytes().replace(b"weights", b"weighTs"))  # CRC no longer matches
    with pytest.raises(PackageError, match="damaged.argosmodel: cannot extract: Bad CRC-32"):
        install_archive(path, tmp_path / "models")


def test_a_broken_lock_file_is_named(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / LOCK_FILE).write_text("{")
    with pytest.raises(PackageError, match="models.lock.json cannot be read .*; repair or delete"):
        install_archive(build(tmp_path / "ok.argosmodel", package_files()), models)


BROKEN_FOLDERS = {
    "translate-xx_list": ({"from_code": ["en"], "to_code": "fr"}, "from_code ['en'] is not a"),
    "translate-xx_json": (b"{", "metadata.json is not JSON"),
    "translate-xx_huge": (b" " * 70_000, "metadata.json is over 65536 bytes"),
    "translate-xx_deep": (DEEP_JSON, "metadata.json is not JSON: nested too deeply"),
    "translate-xx_none": (None, "no metadata.json"),
    "translate-xx_twin": ({"from_code": "en", "to_code": "fr"}, "translate-en_fr already"),
}


def break_folders(models: Path) -> None:
    for name, (metadata, _) in BROKEN_FOLDERS.items():
        folder = models / name
        (folder / "model").mkdir(parents=True)
        (folder / "model" / "model.bin").write_bytes(b"weights")
        (folder / "sentencepiece.model").write_bytes(b"sp")
        if isinstance(metadata, dict):
            (folder / "metadata.json").write_text(json.dumps(metadata))
        elif metadata is not None:
            (folder / "metadata.json").write_bytes(metadata)
    (models / "translate-xx_nomodel").mkdir()
    (models / "translate-xx_nomodel" / "metadata.json").write_text(json.dumps(METADATA))


def test_broken_package_folders_are_skipped_with_the_reason(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_archive(build(tmp_path / "ok.argosmodel", package_files()), models)
    break_folders(models)
    found = inventory(models)
    assert [p.name for p in found.packages] == ["translate-en_fr"]
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert set(reasons) == {*BROKEN_FOLDERS, "translate-xx_nomodel"}
    for name, (_, reason) in BROKEN_FOLDERS.items():
        assert reason in reasons[name], name
    assert reasons["translate-xx_nomodel"] == "no model/model.bin"
    assert find(models, "en", "fr") == found.packages[0]
    listed = CliRunner().invoke(main, ["models", "list", "--models-dir", str(models)])
    assert listed.exit_code == 0
    assert "en → fr  translate-en_fr 1.0" in listed.output
    assert f"skipped {models / 'translate-xx_json'}: metadata.json is not JSON" in listed.output


def test_broken_package_folders_do_not_break_readyz(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_archive(build(tmp_path / "ok.argosmodel", package_files()), models)
    break_folders(models)
    # Not warmed: the crafted package is no model; what matters is that listing never fails.
    app = create_app({**seed_settings(), "MODELS_DIR": models, "WARM_MODELS": False})
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    installed_pairs = [
        (m["source"], m["target"]) for m in response.json["models"] if m["installed"]
    ]
    assert installed_pairs == [("en", "fr")]


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="not a zip archive"):
        install_archive(bad, tmp_path / "models")


def test_same_version_with_other_bytes_is_refused_by_the_lock(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_archive(build(tmp_path / "a.argosmodel", package_files()), models)
    tampered = package_files()
    tampered["translate-en_fr-1_0/model/model.bin"] = b"tampered"
    with pytest.raises(PackageError, match="differs from"):
        install_archive(build(tmp_path / "b.argosmodel", tampered), models)
    assert (models / "translate-en_fr" / "model" / "model.bin").read_bytes() == b"weights"
    newer = package_files(package_version="1.1")
    assert install_archive(build(tmp_path / "c.argosmodel", newer), models).version == "1.1"
