"""Model management: crafted bad archives are refused and installed models stay untouched."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from app.translation.packages import (
    LOCK_FILE,
    PackageError,
    install_archive,
    installed,
    remove,
)

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


@pytest.mark.parametrize(("case", "files", "links", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_archives_are_refused_and_installed_models_untouched(
    tmp_path: Path, case: str, files: dict[str, bytes], links: tuple[str, ...], message: str
) -> None:
    models = tmp_path / "models"
    install_archive(build(tmp_path / "good.argosmodel", package_files()), models)
    before = sorted(
        (p.relative_to(models), p.read_bytes()) for p in models.rglob("*") if p.is_file()
    )
    with pytest.raises(PackageError, match=message):
        install_archive(build(tmp_path / "bad.argosmodel", files, links), models, ("en", "fr"))
    after = sorted(
        (p.relative_to(models), p.read_bytes()) for p in models.rglob("*") if p.is_file()
    )
    assert after == before
    assert not (tmp_path / "evil").exists() and not Path("/etc/evil").exists()


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
