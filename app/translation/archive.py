"""An ``.argosmodel`` archive, checked before anything in it is written or parsed.

Refused: member names that are empty, absolute, with ``..`` or ``\\``, longer or deeper than any
real package needs; links; more members or bytes than a limit; a suspicious compression ratio;
more than one top folder; a missing metadata.json, model or tokenizer; metadata.json over 64 KiB
(checked before it is read) or not a valid translate package (metadata.py).
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.translation.errors import PackageError
from app.translation.metadata import MAX_METADATA_BYTES, METADATA, Metadata, parse_metadata
from app.translation.tokenizer import FILES as TOKENIZERS

MAX_UNCOMPRESSED = 2 * 1024**3
MAX_RATIO = 200
MAX_MEMBERS = 10_000
#: Real packages nest 5 deep (top/stanza/en/tokenize/file); names stay far below 255 bytes.
MAX_DEPTH = 16
MAX_PART_BYTES = 255
MAX_NAME_BYTES = 1024
#: What zipfile raises on a damaged, encrypted or exotic member, besides OSError.
ARCHIVE_ERRORS = (
    OSError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


@dataclass(frozen=True)
class Archive:
    zip: zipfile.ZipFile
    top: str
    metadata: Metadata
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def open_archive(path: Path) -> Iterator[Archive]:
    """The checked archive at *path*; PackageError (without the file name) if it is refused."""
    try:
        digest = sha256_of(path)
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise PackageError(f"not a zip archive ({error})") from error
    with archive:
        top = check_members(archive.infolist())
        yield Archive(archive, top, read_metadata(archive, top), digest)


def _check_name(filename: str) -> PurePosixPath:
    if not filename.strip("/"):
        raise PackageError(f"empty member name {filename!r}")
    name = PurePosixPath(filename)
    if name.is_absolute() or ".." in name.parts or "\\" in filename:
        raise PackageError(f"unsafe path in archive: {filename[:80]!r}")
    if len(name.parts) > MAX_DEPTH:
        raise PackageError(f"member nested {len(name.parts)} deep (limit {MAX_DEPTH})")
    encoded = [part.encode("utf-8", "surrogateescape") for part in name.parts]
    if len(filename.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES or any(
        len(part) > MAX_PART_BYTES for part in encoded
    ):
        raise PackageError(f"member name too long: {filename[:80]!r}…")
    return name


def check_members(members: list[zipfile.ZipInfo]) -> str:
    """Refuse unsafe members; return the single top folder."""
    if len(members) > MAX_MEMBERS:
        raise PackageError(f"archive has {len(members)} members (limit {MAX_MEMBERS})")
    total, packed, tops = 0, 0, set()
    for member in members:
        name = _check_name(member.filename)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise PackageError(f"link in archive: {member.filename[:80]!r}")
        total += member.file_size
        packed += member.compress_size
        tops.add(name.parts[0])
    if total > MAX_UNCOMPRESSED:
        raise PackageError(f"archive expands to {total} bytes (limit {MAX_UNCOMPRESSED})")
    if packed and total / packed > MAX_RATIO:
        raise PackageError(f"compression ratio {total / packed:.0f} (limit {MAX_RATIO})")
    if len(tops) != 1:
        shown = sorted(tops)[:5]
        raise PackageError(f"archive must hold one top folder, found {len(tops)}: {shown}")
    return tops.pop()


def read_metadata(archive: zipfile.ZipFile, top: str) -> Metadata:
    """Check the required members and parse metadata.json, reading at most 64 KiB of it."""
    names = set(archive.namelist())
    for required in (METADATA, "model/model.bin"):
        if f"{top}/{required}" not in names:
            raise PackageError(f"archive lacks {top}/{required}")
    if not any(f"{top}/{name}" in names for name in TOKENIZERS):
        raise PackageError(f"archive lacks {top}/{TOKENIZERS[0]} or {top}/{TOKENIZERS[1]}")
    info = archive.getinfo(f"{top}/{METADATA}")
    if info.file_size > MAX_METADATA_BYTES:
        raise PackageError(f"{METADATA} is {info.file_size} bytes (limit {MAX_METADATA_BYTES})")
    try:
        with archive.open(info) as handle:
            raw = handle.read(MAX_METADATA_BYTES + 1)  # the size in the header may lie
    except ARCHIVE_ERRORS as error:
        raise PackageError(f"cannot read {METADATA}: {error}") from error
    return parse_metadata(raw)
