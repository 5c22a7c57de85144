"""Settings, in one place, with their defaults. Each can be set as ``DEPECHE_<NAME>``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # The editorial exchange folder (data/articles/<slug>/): what `depeche import` reads by
    # default and `make run` imports on first run. The service itself reads the database.
    "DATA_DIR": PROJECT_ROOT / "data",
    # The content store. Empty: SQLite in INSTANCE_DIR (depeche.sqlite3).
    "DATABASE_URL": "",
    # Connections each process keeps open to the database, and how many more it may open
    # under load; seconds a request waits for a free one (then 503 with Retry-After); seconds
    # to connect to PostgreSQL before giving up (/readyz says "unavailable", never hangs).
    # Size them for PostgreSQL's max_connections: docs/scaling.md.
    "DATABASE_POOL_SIZE": 5,
    "DATABASE_MAX_OVERFLOW": 5,
    "DATABASE_POOL_TIMEOUT": 5.0,
    "DATABASE_CONNECT_TIMEOUT": 5,
    # Where the embedded SQLite database lives (a local disk, not a network filesystem).
    "INSTANCE_DIR": PROJECT_ROOT / "instance",
    # Seconds between a worker's checks for changes committed by other processes (SQLite; on
    # PostgreSQL changes are notified, and workers only check while not listening).
    "CHANGE_CHECK_INTERVAL": 0.25,
    # Bytes of translated segments each worker keeps; 0 turns the segment cache off (the
    # translation memory is then not asked either: every segment goes to the engine).
    "SEGMENT_CACHE_BYTES": 16 * 1024 * 1024,
    # Bytes of rendered bodies each worker keeps (pages, API answers, embeds).
    "RENDER_CACHE_BYTES": 64 * 1024 * 1024,
    # Seconds shared caches and browsers may keep a page or an API answer.
    "CACHE_MAX_AGE": 300,
    # Largest request body accepted, in bytes (413 beyond).
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # Installed argos translation packages (one folder each) and models.lock.json.
    "MODELS_DIR": PROJECT_ROOT / "models",
    # The Argos package index that `depeche models install` reads.
    "MODELS_INDEX": "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
    # Pairs /readyz requires, e.g. "en-fr fr-en" (a missing one makes it answer 503).
    "REQUIRE_MODELS": "",
    # Beam size for CTranslate2 (1 = greedy).
    "BEAM_SIZE": 4,
    # CTranslate2 threads per worker: 1 intra-op thread measured 5-40x faster than 0 on 2 vCPUs.
    "INTRA_THREADS": 1,
    # Caps on POST /api/v1/translate and /translate (413 beyond).
    "TRANSLATE_MAX_ITEMS": 64,
    "TRANSLATE_MAX_CHARS": 20_000,
    # Sentences (or 250-token pieces of a longer one) per translate request (413 beyond).
    "TRANSLATE_MAX_SEGMENTS": 200,
    # Seconds a translation may wait for the engine before a 503 with Retry-After.
    "TRANSLATE_QUEUE_TIMEOUT": 5.0,
    # Concurrent translations share one engine batch: the longest (ms) a batch waits for more
    # requests (for those not yet being read, at most 5 % of the previous batch's time), and
    # its size in segments (1 = each request alone). 20 ms: an argos-sized model's batches
    # held 3.9 requests of 4 at 8 connections instead of 2.1 with 0; the fixture model's
    # throughput was the same with 0 and 20 (docs/performance.md).
    "TRANSLATE_BATCH_WAIT_MS": 20.0,
    "TRANSLATE_BATCH_SEGMENTS": 32,
    # Load installed and required models in the background at start-up (/readyz: "loading").
    "WARM_MODELS": True,
    # Translations per client address (flask-limiter syntax, ";" between limits), counted per
    # worker unless RATE_LIMIT_STORAGE is shared (e.g. redis://); loopback clients are exempt.
    "TRANSLATE_RATE_LIMIT": "60 per minute",
    "RATE_LIMIT_EXEMPT_LOOPBACK": True,
    "RATE_LIMIT_STORAGE": "memory://",
    # Proxies in front whose X-Forwarded-For names the client (0: the socket's peer is).
    "TRUSTED_PROXIES": 0,
    # Accept form and text/plain writes from other origins' pages (CSRF-able; 403 when off).
    "ALLOW_CROSS_ORIGIN_FORMS": False,
    # Answer repeat GETs of cacheable responses from memory, before Flask (app/memo.py).
    "RESPONSE_MEMO": True,
    # Who may frame the embed pages (CSP frame-ancestors source list); other pages: 'self'.
    "EMBED_FRAME_ANCESTORS": "*",
    # Absolute base URL for links in feeds and embeds, and for redirects; empty means links
    # from the request's host and relative redirects (app/http/hosts.py).
    "PUBLIC_URL": "",
    # Host names the service answers for (".news.example": it and every name below it); any
    # other Host gets a 400. Empty: any well-formed host (app/http/hosts.py).
    "TRUSTED_HOSTS": (),
    # Where machine-translation jobs wait (huey): empty, a SQLite file next to the SQLite store
    # (or in INSTANCE_DIR); postgresql://… or redis://… for consumers on several machines.
    "JOBS_URL": "",
    # Consumer processes per `depeche jobs worker` (each loads its own models).
    "JOBS_WORKERS": 1,
    # A failed job is tried again JOBS_RETRIES times, the first after JOBS_RETRY_DELAY seconds,
    # each wait JOBS_RETRY_BACKOFF times the one before; then translation.error says why.
    "JOBS_RETRIES": 4,
    "JOBS_RETRY_DELAY": 5.0,
    "JOBS_RETRY_BACKOFF": 2.0,
    # Seconds without a heartbeat after which a running job counts as lost and is queued again.
    "JOBS_LEASE": 30.0,
    # Tests only: while this file exists, a job waits after translating, before it stores.
    "JOBS_TEST_HOLD": "",
    # Offer machine-only editions (complete, not yet reviewed) to search engines: indexed,
    # hreflang alternates, in feeds and sitemaps. Off: they say noindex and are left out.
    "INDEX_MACHINE_TRANSLATIONS": False,
    # A machine translation is published unreviewed only when its risk (0..1: numbers, dates
    # or names of the source missing, identical to the source, length out of range; see
    # app/translation/risk.py) is below this; riskier ones wait for review, the source is
    # served meanwhile. 0.5: one wrong number or date holds a sentence back, a name or two not.
    "MT_PUBLISH_MAX_RISK": 0.5,
    # Seconds shared caches (nginx, a CDN) may serve a page or API answer before asking again
    # with its ETag (s-maxage): how long a correction or a kill may take to reach readers.
    "CACHE_SHARED_MAX_AGE": 1,
    # The newsroom's time zone: dates and times are shown in it, and a date-only story's day.
    "TIMEZONE": "Europe/Paris",
    # Largest item POST /api/v1/ingest and the push routes take, in bytes (413 beyond): agency
    # items with their markup are larger than other requests.
    "MAX_INGEST_BYTES": 1024 * 1024,
    # Publishes (ingest, push, corrections) run on this many threads per worker, their nice
    # value this much above the process's (Linux), so that readers get the cores first: reads
    # during a storm of 8 publishers kept 0.93 of their rate with 19, 0.73 with 10, 0.69 with
    # none (docs/performance.md, "Publishing"). 0: the process's priority.
    "PUBLISH_THREADS": 8,
    "PUBLISH_NICE": 19,
    # The shared secret of Superdesk's HTTP Push (x-superdesk-signature); empty: route off.
    "SUPERDESK_SECRET": "",
}


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


_CONVERTERS: dict[str, Any] = {
    "DATA_DIR": Path,
    "INSTANCE_DIR": Path,
    "CHANGE_CHECK_INTERVAL": float,
    "DATABASE_POOL_SIZE": int,
    "DATABASE_MAX_OVERFLOW": int,
    "DATABASE_POOL_TIMEOUT": float,
    "DATABASE_CONNECT_TIMEOUT": int,
    "RENDER_CACHE_BYTES": int,
    "SEGMENT_CACHE_BYTES": int,
    "CACHE_MAX_AGE": int,
    "MAX_CONTENT_LENGTH": int,
    "RESPONSE_MEMO": _flag,
    "MODELS_DIR": Path,
    "BEAM_SIZE": int,
    "INTRA_THREADS": int,
    "TRANSLATE_MAX_ITEMS": int,
    "TRANSLATE_MAX_CHARS": int,
    "TRUSTED_HOSTS": str.split,
    "TRANSLATE_MAX_SEGMENTS": int,
    "TRANSLATE_QUEUE_TIMEOUT": float,
    "TRANSLATE_BATCH_WAIT_MS": float,
    "TRANSLATE_BATCH_SEGMENTS": int,
    "WARM_MODELS": _flag,
    "RATE_LIMIT_EXEMPT_LOOPBACK": _flag,
    "TRUSTED_PROXIES": int,
    "ALLOW_CROSS_ORIGIN_FORMS": _flag,
    "JOBS_WORKERS": int,
    "JOBS_RETRIES": int,
    "JOBS_RETRY_DELAY": float,
    "JOBS_RETRY_BACKOFF": float,
    "JOBS_LEASE": float,
    "INDEX_MACHINE_TRANSLATIONS": _flag,
    "MT_PUBLISH_MAX_RISK": float,
    "CACHE_SHARED_MAX_AGE": int,
    "MAX_INGEST_BYTES": int,
    "PUBLISH_THREADS": int,
    "PUBLISH_NICE": int,
}


def load(test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings: defaults, then ``DEPECHE_*`` variables — or, for tests, *test_config*
    instead of the environment, so that a developer's exported variables never change a test."""
    settings = dict(DEFAULTS)
    settings.update(from_environment() if test_config is None else test_config)
    return settings


def database_url(settings: Mapping[str, Any]) -> str:
    """The database to use: DATABASE_URL, or SQLite in the instance folder."""
    url = str(settings.get("DATABASE_URL") or "")
    if url:
        return url
    return f"sqlite:///{Path(settings['INSTANCE_DIR']) / 'depeche.sqlite3'}"


def from_environment(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Read ``DEPECHE_*`` variables for the known settings, converted to their types."""
    settings: dict[str, Any] = {}
    for name in DEFAULTS:
        value = environ.get(f"DEPECHE_{name}")
        if value is not None:
            settings[name] = _CONVERTERS.get(name, str)(value)
    return settings
