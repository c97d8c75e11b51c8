# Coffre application image: the production shape run by docker-compose.yml.
#
# Development and tests need no Docker (README: scripts/serve, scripts/test).
# Dependency versions are those the test suite ran with: the exact pins of
# requirements/dev.lock are applied as constraints. (The lock also holds the dev
# tools, so it is not installed as such; a hash-checked production lock,
# `uv pip compile pyproject.toml --generate-hashes -o requirements/prod.lock`,
# would allow `pip install --require-hashes` here.)

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir --upgrade pip
COPY requirements/dev.lock requirements/dev.lock
# "name==version \" lines only: versions pinned, hashes and comments dropped.
RUN sed -n 's/^\([A-Za-z0-9_.-]*==[^ ]*\).*/\1/p' requirements/dev.lock > /tmp/constraints.txt
COPY pyproject.toml README.md ./
COPY crypto ./crypto
COPY coffre ./coffre
COPY client ./client
COPY api ./api
COPY web ./web
COPY cli ./cli
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c /tmp/constraints.txt .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels coffre \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/coffre --create-home coffre
# Never root at run time.
USER coffre
WORKDIR /var/lib/coffre
EXPOSE 8000
# Migrate, then serve. uvicorn trusts X-Forwarded-* only from the proxy in front
# (FORWARDED_ALLOW_IPS, set in docker-compose.yml).
CMD ["sh", "-c", "coffre db upgrade && exec uvicorn --factory api.app:create_app_from_env --host 0.0.0.0 --port 8000 --proxy-headers"]
