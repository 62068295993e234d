# One image, two commands: the web app (the default) and the reminder worker
# (`flask --app app circles worker`), the same commands as deploy/systemd/.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CIRCLES_ENV=production \
    GUNICORN_BIND=0.0.0.0:8000

# pg_dump and pg_restore, for `flask circles backup` and `restore`; Pango and a font for
# WeasyPrint (the season summary as a PDF).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 circles \
    && useradd --system --uid 10001 --gid circles --home-dir /srv/circles --no-create-home circles

WORKDIR /srv/circles
COPY pyproject.toml README.md app.py ./
COPY circles ./circles
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY deploy ./deploy
RUN python -m venv .venv \
    && .venv/bin/pip install -e . \
    && mkdir instance \
    && chown circles:circles instance

# The instance folder keeps the Web Push keys: a volume shared by web and worker.
VOLUME ["/srv/circles/instance"]
USER circles
EXPOSE 8000
CMD ["/srv/circles/.venv/bin/gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"]
