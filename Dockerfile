# One image for web (gunicorn), worker and beat (Celery). Configuration comes from the
# environment only (README: "Environment variables"); nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF) needs Pango and fonts with Danish letters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when the pinned
# dependencies change, not on every change of the code.
COPY pyproject.toml /app/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code, once: it runs from /app (PYTHONPATH), not from a second copy in site-packages.
COPY . /app

# Static files are collected at build time (whitenoise serves them, hashed and compressed).
# The values below exist only so that settings load during the build.
RUN DEBUG=false SECRET_KEY=build-only CPR_HASH_KEY=build-only CPR_ENCRYPTION_KEY=build-only \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home bi18
USER bi18

EXPOSE 8000
# The web process answers /healthz (database, CPR keys, broker; plain HTTP is exempt from the
# HTTPS redirect). docker-compose turns this off for the worker, beat and migrate services,
# which run the same image without a web server.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz', timeout=5)"]
CMD ["gunicorn", "bi18.wsgi", "-w", "2", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
