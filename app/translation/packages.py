"""Installed translation packages: checked archives, atomic installs, a sha256 lock file.

An ``.argosmodel`` is a zip with one top folder holding ``metadata.json``, ``model/`` (a
CTranslate2 model) and its tokenizer, ``sentencepiece.model`` or ``bpe.model``. Before anything
is written, the archive is refused if it has empty, absolute, ``..``, too long or too deep paths,
links, too many members or bytes once extracted, a suspicious compression ratio, or metadata
that is not a valid translate package for the language pair asked for (archive.py). It is
extracted to a temporary folder beside the others and renamed into place under a name derived
from its validated language codes, so installed models are never left half-written and never
land outside the models folder; its sha256 is recorded in ``models.lock.json`` and checked on
reinstall. A package folder on disk that cannot be read is skipped, with the reason.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.fsutil import write_atomically
from app.translation.archive import ARCHIVE_ERRORS, Archive, open_archive
from app.translation.archive import sha256_of as sha256_of
from app.translation.errors import PackageError as PackageError
from app.translation.metadata import (
    MAX_METADATA_BYTES,
    METADATA,
    Metadata,
    canonical_code,
    parse_metadata,
)
from app.translation.metadata import package_name as package_name
from app.translation.tokenizer import FILES as TOKENIZERS

LOCK_FILE = "models.lock.json"


@dataclass(frozen=True)
class InstalledPackage:
    name: str
    path: Path
    source: str
    target: str
    version: str
    target_prefix: str


@dataclass(frozen=True)
class Skipped:
    """A folder in the models folder that is not a usable package, and why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class Inventory:
    packages: list[InstalledPackage]
    skipped: list[Skipped]


def _lock(models_dir: Path) -> dict[str, Any]:
    path = models_dir / LOCK_FILE
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as error:
        raise PackageError(f"{path} cannot be read ({error}); repair or delete it") from error
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise PackageError(f"{path} is not a lock file; repair or delete it")
    return data


def _write_lock(models_dir: Path, entries: dict[str, Any]) -> None:
    body = json.dumps(entries, indent=2, sort_keys=True) + "\n"
    try:
        write_atomically(models_dir / LOCK_FILE, body.encode())
    except OSError as error:
        raise PackageError(f"cannot write {models_dir / LOCK_FILE}: {error}") from error


def _read_folder(folder: Path) -> Metadata:
    """The metadata of an installed package folder, checked like an archive's."""
    path = folder / METADATA
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError as error:
        raise PackageError(f"no {METADATA}") from error
    except OSError as error:
        raise PackageError(f"{METADATA} cannot be read: {error.strerror or error}") from error
    metadata = parse_metadata(raw)
    if not (folder / "model" / "model.bin").is_file():
        raise PackageError("no model/model.bin")
    if not any((folder / name).is_file() for name in TOKENIZERS):
        raise PackageError(f"no tokenizer: neither {TOKENIZERS[0]} nor {TOKENIZERS[1]}")
    return metadata


def inventory(models_dir: Path) -> Inventory:
    """Every installed translate package, and every folder skipped with the reason."""
    found: dict[tuple[str, str], InstalledPackage] = {}
    skipped: list[Skipped] = []
    try:
        folders = sorted(p for p in models_dir.iterdir() if p.is_dir())
    except FileNotFoundError:
        return Inventory([], [])
    except OSError as error:
        return Inventory([], [Skipped(models_dir, f"cannot be listed: {error}")])
    for folder in folders:
        if folder.name.startswith("."):
            continue  # a staging or trash folder of an install or removal
        try:
            metadata = _read_folder(folder)
        except PackageError as error:
            skipped.append(Skipped(folder, str(error)))
            continue
        pair = (metadata.source, metadata.target)
        if pair in found:
            other = found[pair].path.name
            skipped.append(Skipped(folder, f"{other} already provides {pair[0]}→{pair[1]}"))
            continue
        found[pair] = InstalledPackage(
            metadata.name, folder, *pair, metadata.version, metadata.target_prefix
        )
    return Inventory(list(found.values()), skipped)


def installed(models_dir: Path) -> list[InstalledPackage]:
    """Every usable installed translate package (see ``inventory`` for the others)."""
    return inventory(models_dir).packages


def find(models_dir: Path, source: str, target: str) -> InstalledPackage | None:
    try:
        pair = (canonical_code(source), canonical_code(target))
    except PackageError:
        return None
    return next((p for p in installed(models_dir) if (p.source, p.target) == pair), None)


def install_archive(
    archive_path: Path, models_dir: Path, pair: tuple[str, str] | None = None, origin: str = ""
) -> InstalledPackage:
    """Check *archive_path* and install it atomically; return what was installed.

    Every refusal is a PackageError that names the archive and the problem.
    """
    try:
        wanted = None if pair is None else (canonical_code(pair[0]), canonical_code(pair[1]))
        with open_archive(archive_path) as archive:
            metadata = _install(archive, models_dir, wanted, origin or archive_path.name)
    except PackageError as error:
        raise PackageError(f"{archive_path.name}: {error}") from error
    result = find(models_dir, metadata.source, metadata.target)
    if result is None:
        raise PackageError(f"{archive_path.name}: installed, but unreadable in {models_dir}")
    return result


def _install(
    archive: Archive, models_dir: Path, pair: tuple[str, str] | None, origin: str
) -> Metadata:
    metadata = archive.metadata
    if pair is not None and (metadata.source, metadata.target) != pair:
        raise PackageError(
            f"package translates {metadata.source}→{metadata.target}, not {pair[0]}→{pair[1]}"
        )
    name = metadata.name
    locked = _lock(models_dir).get(name)
    if (
        locked
        and locked.get("version") == metadata.version
        and locked.get("sha256") != archive.sha256
    ):
        raise PackageError(
            f"{name} {metadata.version}: sha256 {archive.sha256} differs from "
            f"{locked.get('sha256')} in {LOCK_FILE}; refusing to replace it with different "
            "bytes of the same version"
        )
    final = models_dir / name
    # The name comes from validated codes; this guards that invariant, not the input.
    if Path(name).name != name or name.startswith("."):
        raise PackageError(f"package folder {name!r} would be outside {models_dir}")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{name}."))
    except OSError as error:
        raise PackageError(f"cannot write in {models_dir}: {error}") from error
    try:
        try:
            archive.zip.extractall(staging / "new")
        except ARCHIVE_ERRORS as error:
            raise PackageError(f"cannot extract: {error}") from error
        new, old = staging / "new" / archive.top, staging / "old"
        if final.exists():
            final.rename(old)  # into this install's own staging folder: never taken
        try:
            new.rename(final)
        except OSError:
            if old.exists():
                old.rename(final)
            raise
    except OSError as error:
        raise PackageError(f"cannot install into {final}: {error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    entries = _lock(models_dir)
    entries[name] = {"version": metadata.version, "sha256": archive.sha256, "source": origin}
    _write_lock(models_dir, entries)
    return metadata


def remove(models_dir: Path, source: str, target: str) -> bool:
    """Remove the package for a pair; return whether there was one."""
    package = find(models_dir, source, target)
    if package is None:
        return False
    try:
        trash = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{package.name}.removed."))
        package.path.rename(trash / "package")
    except OSError as error:
        raise PackageError(f"cannot remove {package.path}: {error}") from error
    shutil.rmtree(trash, ignore_errors=True)
    entries = _lock(models_dir)
    entries.pop(package.name, None)
    _write_lock(models_dir, entries)
    return True
