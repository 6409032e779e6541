# Two commands from a fresh clone: `make run` and `make test`. Both bootstrap .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install browser run test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's chromium with CJK fonts, and the print tests LibreOffice
# (with Carlito, Calibri's metrics) and poppler: installed here when missing and run as root
# (as CI is); otherwise the suite skips those tests, and this says how to get them.
SYSTEM_PACKAGES = chromium fonts-noto-cjk libreoffice-calc-nogui fonts-crosextra-carlito poppler-utils
browser:
	@if command -v chromium >/dev/null && command -v soffice >/dev/null \
	  && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && fc-list | grep -qi Carlito; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    $(SYSTEM_PACKAGES) >/dev/null; \
	else \
	  echo "Browser and print tests will be skipped: sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed
	$(PY) manage.py demo_scenario
	$(PY) manage.py refresh_standing
	$(PY) manage.py demo_users
	@echo "Open http://$(HOST)/ and sign in as office, leader, sheng, shanhu, zonghe, chanye,"
	@echo "zhongou or lvhong, password chanGai-2023 (README: Demo logins)."
	$(PY) manage.py runserver $(HOST)

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -r reform units tasks -x '*/migrations/*' --severity-level high
