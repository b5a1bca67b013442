# Set-up and entry points on a fresh Debian 12 machine, as root.
# `make demo` brings the lab up and runs the experiments; `make test` runs the whole suite.

SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3
APT_PACKAGES := haproxy keepalived mariadb-server mariadb-client galera-4 galera-arbitrator-4 \
	rsync iproute2 iptables curl tcpdump procps chromium wrk
STAMP_APT := .make/apt.stamp
STAMP_VENV := .make/venv.stamp

.PHONY: deps venv demo test lint clean

deps: $(STAMP_APT)

$(STAMP_APT):
	@mkdir -p .make
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES)
	@touch $@

venv: $(STAMP_VENV)

$(STAMP_VENV): pyproject.toml
	@mkdir -p .make
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	@touch $@

demo: deps venv
	$(VENV)/bin/halab demo

test: deps venv
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

clean:
	rm -rf .make $(VENV)
