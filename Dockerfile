# Counterpoint web app: gunicorn serving Django, WhiteNoise serving the collected static files.
# docker-compose.yml runs it beside PostgreSQL; any number of these containers can share one
# database, since the app keeps no state between requests.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false

# The app runs as this user; the code and static files stay root-owned and read-only to it.
RUN useradd --system --create-home --uid 1000 counterpoint

WORKDIR /app

# Dependencies first, read from pyproject.toml, so editing the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# gunicorn and manage.py import the apps from /app (the working directory comes first on
# sys.path); installing the project as well checks that pyproject.toml describes it.
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

# Settings refuse to load without a SECRET_KEY when DEBUG is off. This throwaway key exists only
# for this one command and is not kept in the image; the real key comes from the environment.
RUN SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput

USER counterpoint

EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY. The app is CPU-bound (requests wait on
# Python, not on the network), so about one sync worker per core, plus one so that a quick
# request need not wait behind two slow ones (make bench on 2 cores: p95 about 90 ms with 2 or 3
# workers; 3 kept the reading page's tail lower; 4 only took turns on the same cores).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "counterpoint.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
