"""The outermost WSGI layer: a request id, one JSON log line per request, Prometheus metrics.

It sits outside the response memo, so remembered answers are logged and counted like the rest.
Labels are bounded: the route template (not the path), the method, the status and the served
language — never an address, a key or a raw path. With ``PROMETHEUS_MULTIPROC_DIR`` set (as
``make run`` and the container do) every worker's figures are added up on ``/metrics``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app, multiprocess
from werkzeug.wsgi import ClosingIterator

from app.memo import ROUTE_KEY

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
METHODS = {"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}

access_log = logging.getLogger("depeche.access")


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    _standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send the app's logs to stdout as JSON lines (once per process)."""
    root = logging.getLogger("depeche")
    app_logger = logging.getLogger("app")
    if any(getattr(h, "depeche", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter())
    handler.depeche = True  # type: ignore[attr-defined]
    for logger in (root, app_logger):
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


class Observe:
    """Wrap a WSGI app with request ids, access logs and metrics, and serve ``/metrics``."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "depeche_http_requests",
            "HTTP requests answered.",
            ["route", "method", "status", "lang"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "depeche_http_request_duration_seconds",
            "Time to answer, by route.",
            ["route", "method"],
            registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
        )
        self.auth_failures = Counter(
            "depeche_auth_failures",
            "Write requests refused for their token: missing, unknown, revoked, or scope.",
            ["reason"],
            registry=self.registry,
        )
        self.batch_requests = Histogram(
            "depeche_translation_batch_requests",
            "Requests that shared one engine batch (TRANSLATE_BATCH_* and the threads set it).",
            registry=self.registry,
            buckets=(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64),
        )
        self.batch_segments = Histogram(
            "depeche_translation_batch_segments",
            "Segments in one engine batch.",
            registry=self.registry,
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
        )
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            scrape = CollectorRegistry()
            multiprocess.MultiProcessCollector(scrape)  # type: ignore[no-untyped-call]
            self.metrics_app = make_wsgi_app(scrape)
        else:
            self.metrics_app = make_wsgi_app(self.registry)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/metrics":
            return self._metrics(environ, start_response)
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        environ["depeche.request_id"] = request_id
        started = time.perf_counter()
        seen: dict[str, Any] = {}

        def tagged(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(n, v) for n, v in headers if n.lower() != "x-request-id"]
            headers.append(("X-Request-ID", request_id))
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        def record() -> None:
            self._record(environ, seen, request_id, time.perf_counter() - started)

        return ClosingIterator(self.app(environ, tagged), [record])

    def batch(self, requests: int, segments: int) -> None:
        """Count one engine batch (the translation admission's observer)."""
        self.batch_requests.observe(requests)
        self.batch_segments.observe(segments)

    def _metrics(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The Prometheus exposition for GET; HEAD without a body; OPTIONS lists the methods."""
        method = environ.get("REQUEST_METHOD")
        if method == "OPTIONS":
            start_response("200 OK", [("Allow", "GET, HEAD, OPTIONS"), ("Content-Length", "0")])
            return []
        if method not in ("GET", "HEAD"):
            start_response(
                "405 METHOD NOT ALLOWED",
                [
                    ("Allow", "GET, HEAD, OPTIONS"),
                    ("Content-Type", "text/plain"),
                    ("Content-Length", "0"),
                ],
            )
            return []
        body: Iterable[bytes] = self.metrics_app(
            {**environ, "REQUEST_METHOD": "GET"}, start_response
        )
        return [] if method == "HEAD" else body

    def _record(
        self, environ: dict[str, Any], seen: dict[str, Any], request_id: str, seconds: float
    ) -> None:
        status = str(seen.get("status", "500")).split(" ", 1)[0]
        headers = {n.lower(): v for n, v in seen.get("headers", [])}
        method = environ.get("REQUEST_METHOD", "")
        method = method if method in METHODS else "OTHER"
        route = environ.get(ROUTE_KEY) or "unmatched"
        lang = headers.get("content-language", "-")
        self.requests.labels(route, method, status, lang).inc()
        self.duration.labels(route, method).observe(seconds)
        access_log.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "path": environ.get("PATH_INFO", ""),
                "route": route,
                "status": int(status) if status.isdigit() else 0,
                "lang": lang,
                "duration_ms": round(seconds * 1000, 3),
                "bytes": headers.get("content-length"),
            },
        )
