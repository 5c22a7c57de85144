"""The Argos package index: find a package for a language pair and download it, bounded.

Index entries are argos's (``from_code``, ``to_code``, ``package_version``, one or more
``links``; no size, no checksum): the links are tried in order, skipping those that are not
http(s) (the real index also lists ``ipfs://``). Every fetch has a size cap and a *total*
deadline: a server that sends one byte at a time cannot hold a download past it, because a
watchdog shuts the connection's socket at the deadline (a socket timeout alone only bounds each
read). Downloads go to a temporary file that is checked before anything is installed.
"""

from __future__ import annotations

import http.client
import json
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.translation.errors import PackageError
from app.translation.metadata import canonical_code, shown

Progress = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None)."""

MAX_INDEX_BYTES = 8 * 1024 * 1024
SCHEMES = ("https://", "http://", "file://")
BLOCK = 1 << 16


class Deadline:
    """A point in time after which every socket opened under it is shut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.0)

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
        if self.expired:
            self._expire()

    def _expire(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:  # socket.socket's shutdown, not SSLSocket's: it wakes a blocked read
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def timed_out(self, url: str) -> PackageError:
        return PackageError(f"{url}: timed out after {self.seconds:g} s")


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """urllib's opener, with connections whose sockets the deadline may shut."""

    def watched(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Connection(base):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                deadline.watch(self.sock)

        return Connection

    http_class, https_class = (
        watched(http.client.HTTPConnection),
        watched(http.client.HTTPSConnection),
    )

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(http_class, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(https_class, req, context=self._context)  # type: ignore[attr-defined]

    return urllib.request.build_opener(HTTP, HTTPS)


@contextmanager
def fetch(url: str, deadline: Deadline) -> Iterator[Any]:
    """The open response for *url*; any failure, the deadline's included, is a PackageError."""
    if not url.startswith(SCHEMES):
        raise PackageError(f"URL must be http(s) or file: {shown(url, 80)}")
    request = urllib.request.Request(url, headers={"User-Agent": "depeche-models/1"})
    try:
        with _opener(deadline).open(request, timeout=max(deadline.remaining(), 0.001)) as response:
            yield response
    except PackageError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as error:
        if deadline.expired:
            raise deadline.timed_out(url) from error
        raise PackageError(f"cannot fetch {url}: {error}") from error
    if deadline.expired:  # a shut socket can look like a short, complete body
        raise deadline.timed_out(url)


def _blocks(response: Any, deadline: Deadline, url: str) -> Iterator[bytes]:
    """The body as it comes (read1: one read each, so the deadline is checked between reads)."""
    while block := response.read1(BLOCK):
        if deadline.expired:
            break
        yield block
    if deadline.expired:  # the watchdog's shutdown ends a read early, like a short body
        raise deadline.timed_out(url)


def find_in_index(index_url: str, source: str, target: str, deadline: Deadline) -> dict[str, Any]:
    """The newest translate entry for (source, target) in the index, as argos describes it."""
    raw = b""
    with fetch(index_url, deadline) as response:
        for block in _blocks(response, deadline, index_url):
            raw += block
            if len(raw) > MAX_INDEX_BYTES:
                raise PackageError(f"index at {index_url} is over {MAX_INDEX_BYTES} bytes")
    try:
        entries = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise PackageError(f"index at {index_url} is not JSON: {error}") from error
    if not isinstance(entries, list):
        raise PackageError(f"index at {index_url} is not a list of packages")
    pair = (canonical_code(source), canonical_code(target))
    candidates = [entry for entry in entries if _describes(entry, pair)]
    if not candidates:
        raise PackageError(f"no {pair[0]}→{pair[1]} package in the index at {index_url}")
    from packaging.version import InvalidVersion, Version

    def version(entry: dict[str, Any]) -> Version:
        try:
            return Version(str(entry.get("package_version", "")))
        except InvalidVersion:
            return Version("0")

    return max(candidates, key=version)


def _describes(entry: object, pair: tuple[str, str]) -> bool:
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return False
    try:
        codes = (canonical_code(entry.get("from_code")), canonical_code(entry.get("to_code")))
    except PackageError:
        return False
    return codes == pair and bool(links(entry))


def links(entry: dict[str, Any]) -> list[str]:
    """The links of an index entry that we can fetch, in the index's order."""
    found = entry.get("links")
    if not isinstance(found, list):
        return []
    return [link for link in found if isinstance(link, str) and link.startswith(SCHEMES)]


def download(
    url: str, max_bytes: int, deadline: Deadline, progress: Progress | None = None
) -> Path:
    """Download *url* to a temporary file (caller deletes it); refuse more than *max_bytes*."""
    handle = tempfile.NamedTemporaryFile(prefix="depeche-", suffix=".argosmodel", delete=False)
    try:
        with handle, fetch(url, deadline) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > max_bytes:
                raise PackageError(f"{url} is {total} bytes (limit {max_bytes})")
            done = 0
            for block in _blocks(response, deadline, url):
                done += len(block)
                if done > max_bytes:
                    raise PackageError(f"{url} is over {max_bytes} bytes")
                handle.write(block)
                if progress is not None:
                    progress(done, total)
            if total is not None and done != total:
                raise PackageError(f"{url} ended after {done} of {total} bytes")
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def download_any(
    entry: dict[str, Any], max_bytes: int, deadline: Deadline, progress: Progress | None = None
) -> tuple[Path, str]:
    """Download the first of an entry's links that works; return the file and its link."""
    failures = []
    for url in links(entry):
        try:
            return download(url, max_bytes, deadline, progress), url
        except PackageError as error:
            if deadline.expired:
                raise
            failures.append(str(error))
    raise PackageError("no link could be downloaded: " + "; ".join(failures or ["none usable"]))
