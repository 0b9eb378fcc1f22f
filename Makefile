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

lint: $(STAMP)
	$(BIN)/ruff check .

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

clean:
	rm -rf $(VENV) staticfiles test-results
