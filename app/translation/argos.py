"""argostranslate, imported lazily and kept out of the user's home.

We use argos for its package format (``Package``: metadata.json, the SentencePiece tokenizer a
package carries) and its index entries (``AvailablePackage``). ``argostranslate.settings``
creates folders under ``~/.local`` and ``~/.config`` at import time, so the first import points
them at a private temporary folder. ``argostranslate.translate`` is never imported: it pulls
stanza and torch, and argos's sentence splitters download models at first use.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import ModuleType


def package_module() -> ModuleType:
    """Return ``argostranslate.package``, importing it with settings kept out of $HOME."""
    import sys

    if "argostranslate.package" not in sys.modules:
        state = Path(tempfile.gettempdir()) / "depeche-argos"
        for variable, sub in (
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
            ("ARGOS_PACKAGES_DIR", "packages"),
        ):
            os.environ.setdefault(variable, str(state / sub))
    import argostranslate.package

    module: ModuleType = argostranslate.package
    return module
