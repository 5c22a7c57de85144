"""Installed translation packages: checked archives, atomic installs, a sha256 lock file.

An ``.argosmodel`` is a zip with one top folder holding ``metadata.json``, ``model/`` (a
CTranslate2 model) and ``sentencepiece.model``. Before anything is written, the archive is
refused if it has absolute or ``..`` paths, links, too many bytes once extracted, a suspicious
compression ratio, or metadata that is not the language pair asked for. It is extracted to a
temporary folder beside the others and renamed into place, so installed models are never left
half-written, and its sha256 is recorded in ``models.lock.json`` and checked on reinstall.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from app.fsutil import write_atomically

LOCK_FILE = "models.lock.json"
MAX_UNCOMPRESSED = 2 * 1024**3
MAX_RATIO = 200
REQUIRED = ("metadata.json", "sentencepiece.model", "model/model.bin")


class PackageError(Exception):
    """A package cannot be installed or used; the message says why."""


@dataclass(frozen=True)
class InstalledPackage:
    name: str
    path: Path
    source: str
    target: str
    version: str
    target_prefix: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_name(source: str, target: str) -> str:
    return f"translate-{source}_{target}"


def _check_members(archive: zipfile.ZipFile) -> str:
    """Refuse unsafe members; return the single top folder."""
    total, packed, tops = 0, 0, set()
    for member in archive.infolist():
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            raise PackageError(f"unsafe path in archive: {member.filename!r}")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise PackageError(f"link in archive: {member.filename!r}")
        total += member.file_size
        packed += member.compress_size
        tops.add(name.parts[0])
    if total > MAX_UNCOMPRESSED:
        raise PackageError(f"archive expands to {total} bytes (limit {MAX_UNCOMPRESSED})")
    if packed and total / packed > MAX_RATIO:
        raise PackageError(f"compression ratio {total / packed:.0f} (limit {MAX_RATIO})")
    if len(tops) != 1:
        raise PackageError(f"archive must hold one top folder, found {sorted(tops)}")
    return tops.pop()


def read_metadata(archive: zipfile.ZipFile, top: str) -> dict[str, Any]:
    names = set(archive.namelist())
    for required in REQUIRED:
        if f"{top}/{required}" not in names:
            raise PackageError(f"archive lacks {top}/{required}")
    try:
        metadata = json.loads(archive.read(f"{top}/metadata.json"))
    except (ValueError, UnicodeDecodeError) as error:
        raise PackageError(f"metadata.json is not JSON: {error}") from error
    if not isinstance(metadata, dict):
        raise PackageError("metadata.json is not an object")
    return metadata


def _lock(models_dir: Path) -> dict[str, Any]:
    path = models_dir / LOCK_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def installed(models_dir: Path) -> list[InstalledPackage]:
    """Every installed translate package, read with argos's package format."""
    from app.translation.argos import package_module

    if not models_dir.is_dir():
        return []
    argos = package_module()
    found = []
    for folder in sorted(models_dir.iterdir()):
        if (
            not folder.is_dir()
            or folder.name.startswith(".")
            or not (folder / "metadata.json").exists()
        ):
            continue
        package = argos.Package(folder)
        found.append(
            InstalledPackage(
                name=package_name(package.from_code, package.to_code),
                path=folder,
                source=package.from_code,
                target=package.to_code,
                version=package.package_version,
                target_prefix=package.target_prefix or "",
            )
        )
    return found


def find(models_dir: Path, source: str, target: str) -> InstalledPackage | None:
    return next(
        (p for p in installed(models_dir) if (p.source, p.target) == (source, target)), None
    )


def install_archive(
    archive_path: Path, models_dir: Path, pair: tuple[str, str] | None = None, origin: str = ""
) -> InstalledPackage:
    """Check *archive_path* and install it atomically; return what was installed."""
    digest = sha256_of(archive_path)
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageError(f"{archive_path.name}: not a zip archive ({error})") from error
    with archive:
        top = _check_members(archive)
        metadata = read_metadata(archive, top)
        source, target = metadata.get("from_code"), metadata.get("to_code")
        if metadata.get("type", "translate") != "translate" or not source or not target:
            raise PackageError("metadata.json does not describe a translate package")
        if pair is not None and (source, target) != pair:
            raise PackageError(f"package translates {source}→{target}, not {pair[0]}→{pair[1]}")
        name = package_name(source, target)
        locked = _lock(models_dir).get(name)
        version = str(metadata.get("package_version", ""))
        if locked and locked["version"] == version and locked["sha256"] != digest:
            raise PackageError(
                f"{name} {version}: sha256 {digest} differs from {locked['sha256']} in "
                f"{LOCK_FILE}; refusing to replace it with different bytes of the same version"
            )
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{name}."))
        try:
            archive.extractall(staging)
            final = models_dir / name
            old = models_dir / f".{name}.old"
            if final.exists():
                final.rename(old)
            (staging / top).rename(final)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    entries = _lock(models_dir)
    entries[name] = {"version": version, "sha256": digest, "source": origin or archive_path.name}
    write_atomically(
        models_dir / LOCK_FILE, (json.dumps(entries, indent=2, sort_keys=True) + "\n").encode()
    )
    result = find(models_dir, source, target)
    assert result is not None
    return result


def remove(models_dir: Path, source: str, target: str) -> bool:
    """Remove the package for a pair; return whether there was one."""
    package = find(models_dir, source, target)
    if package is None:
        return False
    trash = models_dir / f".{package.name}.removed"
    package.path.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)
    entries = _lock(models_dir)
    entries.pop(package.name, None)
    write_atomically(
        models_dir / LOCK_FILE, (json.dumps(entries, indent=2, sort_keys=True) + "\n").encode()
    )
    return True
