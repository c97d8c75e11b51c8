# Coffre application image: the production shape run by docker-compose.yml.
#
# Development and tests need no Docker (README: scripts/serve, scripts/test).
# Three stages, so the image holds neither Node nor the build tools:
#   js     npm ci + scripts/install-js, the same script scripts/install runs: the
#          browser libraries vendored into web/static/vendor/ (git-ignored)
#   build  the translation catalogues compiled (.po -> .mo, as scripts/install does)
#          and the wheels: coffre's own carries the page whole (templates, JS modules,
#          vendored libraries, catalogues, icons; tests/test_wheel.py checks a wheel
#          built this way serves every asset)
#   final  the wheels installed, nothing else
# Dependency versions are those the test suite ran with: the exact pins of
# requirements/dev.lock are applied as constraints. (The lock also holds the dev
# tools, so it is not installed as such; a hash-checked production lock,
# `uv pip compile pyproject.toml --generate-hashes -o requirements/prod.lock`,
# would allow `pip install --require-hashes` here.)

# Node 22 (LTS); the major version is pinned, its patch releases come with rebuilds.
FROM node:22-bookworm-slim AS js
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/install-js scripts/install-js
# Runtime packages only: the linters and test tools of devDependencies are not vendored.
RUN npm_config_omit=dev bash scripts/install-js

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY requirements/dev.lock requirements/dev.lock
# "name==version \" lines only: versions pinned, hashes and comments dropped.
RUN sed -n 's/^\([A-Za-z0-9_.-]*==[^ ]*\).*/\1/p' requirements/dev.lock > /tmp/constraints.txt \
    && grep -i '^babel==' /tmp/constraints.txt > /tmp/babel.txt \
    && pip install --no-cache-dir -r /tmp/babel.txt
COPY pyproject.toml README.md ./
COPY crypto ./crypto
COPY auditlog ./auditlog
COPY coffre ./coffre
COPY client ./client
COPY api ./api
COPY web ./web
COPY cli ./cli
COPY --from=js /src/web/static/vendor ./web/static/vendor
RUN pybabel compile -d web/locale -D messages \
    && pybabel compile -d cli/locale -D cli \
    && pip wheel --no-cache-dir --wheel-dir /wheels -c /tmp/constraints.txt .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
# pg_dump and pg_restore for `coffre backup` / `coffre restore` on PostgreSQL: the client
# of the server's major version (15, bookworm's own: pg_dump refuses a newer server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15=15.* \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/coffre-*.whl \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 coffre \
    && useradd --system --uid 10001 --gid coffre --home-dir /var/lib/coffre --create-home coffre
# Never root at run time (numeric, so "runAsNonRoot" checks can verify it).
USER 10001:10001
WORKDIR /var/lib/coffre
EXPOSE 8000
# Serve only, through `coffre serve`: it trusts X-Forwarded-For/-Proto only from
# COFFRE_FORWARDED_ALLOW_IPS (default: nobody; docker-compose.yml names its proxy).
# Migrate first, once, with `coffre db upgrade` (compose's one-shot `migrate` service;
# safe if several run it: a lock): N app containers never migrate at their start.
# Readiness: GET /api/v1/ready (database, schema at head, object store).
CMD ["coffre", "serve", "--host", "0.0.0.0", "--port", "8000"]
