# The two commands: `make run` (the portal with demo content on SQLite) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DJANGO_DEBUG=1 PORTAL_DEMO=1

.PHONY: run test install install-test demo serve bench messages clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --no-input -v 0
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py collectstatic --no-input -v 0

serve:
	@echo "门户 (portal): http://$(HOST):$(PORT)/   管理后台 (admin): http://$(HOST):$(PORT)/admin/"
	$(DEMO_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

run: demo serve

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install-test
	@echo "see bench/README.md: each benchmark is a script run on demand"

# after changing interface strings: the zh-hans identity catalog (needs Debian's gettext)
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py zh_hans_catalog

clean-venv:
	rm -rf $(VENV)
