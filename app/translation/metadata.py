"""An argos package's ``metadata.json``: read bounded, validated, and the folder name it gives.

Everything here comes from an archive someone else made, so nothing is trusted: the file is
refused past 64 KiB before it is parsed, language codes must be short tags (they name the
package folder), and the version and target prefix must be short strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from app.translation.errors import PackageError

METADATA = "metadata.json"
MAX_METADATA_BYTES = 64 * 1024
#: ISO 639-1/-3 with an optional region or script subtag ("en", "pt-BR", "zh_Hant").
CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")
MAX_PREFIX = 64


@dataclass(frozen=True)
class Metadata:
    """What the service uses of a translate package's metadata."""

    source: str
    target: str
    version: str
    target_prefix: str

    @property
    def name(self) -> str:
        return package_name(self.source, self.target)


def canonical_code(code: object, what: str = "language code") -> str:
    """*code* as a language code with ``-`` before its subtag; PackageError if it is not one."""
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise PackageError(f"{what} {shown(code)} is not a language code such as 'en' or 'pt-BR'")
    return code.replace("_", "-")


def package_name(source: str, target: str) -> str:
    """``translate-en_fr``: canonical codes have no ``_``, so the name splits one way only."""
    return f"translate-{canonical_code(source)}_{canonical_code(target)}"


def shown(value: object, limit: int = 40) -> str:
    """A short printable repr of an untrusted value, for error messages."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def parse_metadata(raw: bytes) -> Metadata:
    """Validate the bytes of a metadata.json (at most MAX_METADATA_BYTES)."""
    if len(raw) > MAX_METADATA_BYTES:
        raise PackageError(f"{METADATA} is over {MAX_METADATA_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        reason = "nested too deeply" if isinstance(error, RecursionError) else error
        raise PackageError(f"{METADATA} is not JSON: {reason}") from error
    if not isinstance(data, dict):
        raise PackageError(f"{METADATA} is not an object")
    return validate(data)


def validate(data: dict[str, Any]) -> Metadata:
    """The translate package *data* describes; PackageError naming the bad field."""
    if data.get("type", "translate") != "translate" or "from_code" not in data:
        raise PackageError(f"{METADATA} does not describe a translate package")
    source = canonical_code(data.get("from_code"), f"{METADATA} from_code")
    target = canonical_code(data.get("to_code"), f"{METADATA} to_code")
    version = data.get("package_version", "")
    if not isinstance(version, str) or (version and not VERSION.fullmatch(version)):
        raise PackageError(f"{METADATA} package_version {shown(version)} is not a version")
    prefix = data.get("target_prefix") or ""
    if not isinstance(prefix, str) or len(prefix) > MAX_PREFIX or not prefix.isprintable():
        raise PackageError(f"{METADATA} target_prefix {shown(prefix)} is not a short token")
    return Metadata(source, target, version, prefix)
