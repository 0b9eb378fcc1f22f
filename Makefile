# The two commands that matter: `make run` and `make test`. Both set everything up first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint format vendor clean

run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py createcachetable
	DEBUG=true $(BIN)/python manage.py seed_demo
	@echo "Counterpoint is at http://127.0.0.1:8000 (stop with Ctrl+C)"
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# ruff, then the import contract in pyproject.toml (the apps layer one way).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .

# Re-fetch the vendored front-end libraries from npm at their pinned versions.
vendor:
	rm -rf /tmp/counterpoint-vendor && mkdir -p /tmp/counterpoint-vendor
	cd /tmp/counterpoint-vendor && npm pack --silent htmx.org@2.0.11 sortablejs@1.15.7 swagger-ui-dist@5.35.0 \
		&& for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp /tmp/counterpoint-vendor/htmx.org-2.0.11/package/dist/htmx.min.js /tmp/counterpoint-vendor/htmx.org-2.0.11/package/LICENSE static/vendor/htmx/
	cp /tmp/counterpoint-vendor/sortablejs-1.15.7/package/Sortable.min.js /tmp/counterpoint-vendor/sortablejs-1.15.7/package/LICENSE static/vendor/sortablejs/
	cd /tmp/counterpoint-vendor/swagger-ui-dist-5.35.0/package && cp swagger-ui-bundle.js swagger-ui-standalone-preset.js \
		swagger-ui.css favicon-32x32.png LICENSE NOTICE $(CURDIR)/static/vendor/swagger-ui/
	sed -i 's|/\*# sourceMappingURL=swagger-ui.css.map\*/||' static/vendor/swagger-ui/swagger-ui.css
	cd /tmp/counterpoint-vendor && npm pack --silent axe-core@4.14.1 && mkdir -p axe && tar xzf axe-core-4.14.1.tgz -C axe
	cp /tmp/counterpoint-vendor/axe/package/axe.min.js /tmp/counterpoint-vendor/axe/package/LICENSE \
		/tmp/counterpoint-vendor/axe/package/LICENSE-3RD-PARTY.txt tests/browser/vendor/axe-core/
	mkdir -p /tmp/counterpoint-vendor/annotator && cp tests/browser/vendor/apache-annotator/entry.js /tmp/counterpoint-vendor/annotator/
	cd /tmp/counterpoint-vendor/annotator && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
		@apache-annotator/dom@0.2.0 @apache-annotator/selector@0.2.0 esbuild@0.28.2 \
		&& ./node_modules/.bin/esbuild entry.js --bundle --format=iife --global-name=ApacheAnnotator --minify \
			--target=chrome100 --legal-comments=eof --outfile=$(CURDIR)/tests/browser/vendor/apache-annotator/apache-annotator.min.js

clean:
	rm -rf $(VENV) staticfiles test-results

# --- performance and scale (bench/README.md); none of these is part of `make test` ---------

BENCH_STAMP := $(VENV)/.bench-installed-stamp

.PHONY: bench bench-endpoints bench-lecture bench-reading cluster-check fault-check

# The class burst: PostgreSQL-backed gunicorn, 40 students and a teacher for 60 s (locust),
# then the app's capacity and the /healthz floor. Writes bench/results/latest.json.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

# Lecture mode: 300 students and 5,000 notes on one assignment (the same run, a larger class).
bench-lecture: $(BENCH_STAMP)
	BENCH_STUDENTS=300 BENCH_NOTES=5000 $(BIN)/python -m bench.run

# What each request of the class mix costs the app, one at a time (bench/endpoints.py).
bench-endpoints: $(BENCH_STAMP)
	$(BIN)/python -m bench.endpoints

# The reading page, its polls and its pages at 100 to 20,000 notes (bench/README.md).
bench-reading: $(BENCH_STAMP)
	$(BIN)/python -m bench.reading_scale

# Two app servers behind nginx on one PostgreSQL, and a scripted session through them.
cluster-check: $(STAMP)
	$(BIN)/python -m bench.cluster

# Restarts the machine's PostgreSQL under load: cuts every other connection to it. Never run
# from pytest or CI; it refuses while other clients are connected (FAULT_CHECK_FORCE=1 overrides).
fault-check: $(STAMP)
	$(BIN)/python -m bench.fault

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)
