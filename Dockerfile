# Kindly: the Slack app in HTTP mode (python -m bot run), behind any load balancer.
# Build: docker build -t kindly .   Run: see docker-compose.yml (the app plus PostgreSQL).
# The install commands below are the ones README.md shows
# (tests/prod/test_packaging.py keeps them in sync).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY phrasebank ./phrasebank
RUN python -m venv /opt/kindly \
    && /opt/kindly/bin/python -m pip install --no-cache-dir ".[postgres]"

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 kindly \
    && useradd --system --uid 10001 --gid kindly --no-create-home --shell /usr/sbin/nologin kindly \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=build /opt/kindly /opt/kindly
ENV PATH=/opt/kindly/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PORT=3000 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/kindly.db
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 3000
# /healthz answers 200 when the database is reachable and the phrasebank loaded (HTTP mode only).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
ENTRYPOINT ["kindly"]
CMD ["run"]
