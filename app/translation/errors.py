"""The one error of model management: a package cannot be installed or used."""

from __future__ import annotations


class PackageError(Exception):
    """A package cannot be installed or used; the message says why."""
