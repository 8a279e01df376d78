# `make run` starts the app and its worker on SQLite; `make test` runs the linter, the import contracts, the type checker and the tests.
# Both create .venv and install the locked dependencies (with hashes) the first time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lock baselines translations

$(INSTALLED): requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

# The worker (mail, periodic jobs) runs beside the web server and stops with it.
run: $(INSTALLED)
	SUPERVISOR_ENV=development $(BIN)/flask --app wsgi supervisor upgrade
	SUPERVISOR_ENV=development $(BIN)/flask --app wsgi supervisor worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SUPERVISOR_ENV=development $(BIN)/flask --app wsgi run

# The tests run in one process per core (pytest-xdist), each on a database of its own.
test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

# Write the screenshots of tests/browser/test_visual.py as its new baselines instead of comparing
# them: after a deliberate change to how a page looks; look at the images, then commit them.
baselines: $(INSTALLED)
	SUPERVISOR_UPDATE_BASELINES=1 $(BIN)/python -m pytest -p no:xdist -q tests/browser/test_visual.py

# Re-resolve the lock files after changing dependencies in pyproject.toml.
lock: $(INSTALLED)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" -o requirements/app.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" -o requirements/dev.txt

# Extract every message into supervisor/translations/messages.pot (the stages' own words are
# marked N_ and Nn_, see supervisor/stages/base.py), bring each language's
# catalog up to date with it, and compile the catalogs the app reads (committed, so a fresh
# clone needs no step of its own).
translations: $(INSTALLED)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k Nn_:1,2 \
		--no-location --sort-output --project supervisor \
		-o supervisor/translations/messages.pot .
	@for catalog in supervisor/translations/*/LC_MESSAGES/messages.po; do \
		[ -e "$$catalog" ] || continue; \
		$(BIN)/pybabel -q update --no-fuzzy-matching -i supervisor/translations/messages.pot \
			--ignore-obsolete -d supervisor/translations -l $$(echo $$catalog | cut -d/ -f3) \
		&& $(BIN)/pybabel -q compile -d supervisor/translations -l $$(echo $$catalog | cut -d/ -f3); \
	done
