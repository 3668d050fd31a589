# syntax=docker/dockerfile:1
# The EIA service as one image; the role (web, worker, scheduler, migrate) is its command
# (docker/entrypoint.sh). README "Operating it" says how to build and run it.
#
#   docker build --build-arg EIA_COMMIT=$(git rev-parse HEAD) -t eia-engine .
#
# Base images are build arguments: Docker Hub's by default; a council that builds from its
# own registry, or with no registry at all (a Debian root made by mmdebstrap and imported:
# README), passes its own. Both must be Debian bookworm (the runtime's libraries are
# installed with apt; Python 3.11 or newer).
ARG PYTHON_IMAGE=docker.io/library/python:3.11-slim-bookworm
ARG NODE_IMAGE=docker.io/library/node:22-bookworm-slim

# --- 1. front-end assets: GOV.UK Frontend from npm ---------------------------------------
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
# (A plain Debian base has no npm: install Debian's.)
RUN command -v npm >/dev/null || { apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*; }
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- 2. the wheel and its dependencies, in a virtual environment --------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/eia
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE alembic.ini celery_worker.py ./
COPY eia ./eia
COPY forms ./forms
COPY workflows ./workflows
COPY notifications ./notifications
COPY migrations ./migrations
COPY templates ./templates
COPY --from=assets /src/node_modules ./node_modules
COPY package.json ./
# Every dependency has a wheel for Linux x86-64 and arm64 (psycopg's binary build
# included): no compiler is needed here, and none reaches the runtime.
RUN /opt/eia/bin/pip install --quiet "pip==26.3" \
    && /opt/eia/bin/pip wheel --quiet --no-deps -w /dist . \
    && /opt/eia/bin/pip install --quiet "$(ls /dist/eia_engine-*.whl)[sentry]"

# --- 3. the runtime: Python, WeasyPrint's libraries, the virtual environment; no tools ----
FROM ${PYTHON_IMAGE} AS runtime
# WeasyPrint (the PDFs) needs Pango and HarfBuzz, and fonts; tini reaps and forwards signals.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
       fonts-dejavu-core fonts-liberation2 tini ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /srv/eia --create-home eia \
    && mkdir -p /srv/eia/instance && chown eia:eia /srv/eia/instance
COPY --from=build /opt/eia /opt/eia
COPY docker/entrypoint.sh /usr/local/bin/eia-entrypoint
ARG EIA_COMMIT=unknown
ENV PATH=/opt/eia/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    EIA_INSTANCE_PATH=/srv/eia/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/eia-metrics \
    GUNICORN_BIND=0.0.0.0:8000 \
    EIA_COMMIT=${EIA_COMMIT}
USER eia
WORKDIR /srv/eia
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/eia-entrypoint"]
CMD ["web"]
