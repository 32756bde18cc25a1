# A small image that mirrors `make run`: install the package, serve with the shipped lexicons, one
# worker process per core (CUOMIN_WORKERS sets another number, e.g. under a CPU quota).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CUOMIN_HOST=0.0.0.0 \
    CUOMIN_PORT=8000 \
    CUOMIN_LEXICON_DIR=/app/lexicons

WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY lexicons ./lexicons
COPY migrations ./migrations
# var/ holds the embedded SQLite database (CUOMIN_DATABASE_URL unset); mount a volume there to keep it.
RUN pip install . && useradd --create-home --uid 10001 cuomin && mkdir -p /app/var && chown cuomin /app/var
USER cuomin
# The compiled lexicon and jieba's word table, in ~/.cache/cuomin: every worker starts in a fraction of a second.
RUN cuomin lexicon compile

EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["cuomin", "serve"]
