# The lab's entry points. `make help` lists them.
#   make demo                                   run the whole lab
#   make LAB=lab4_jetstream_basics run BIN=js-pub MSG="first message"
#   make test                                   run the tests

LAB   ?= lab4_jetstream_basics
BIN   ?=
MSG   ?=
ARGS  ?=
JBANG ?= bin/jbang
CATALOG_NAME ?= jslab

export LAB
SCRIPTS := js-bootstrap js-pub js-pull js-info js-purge
CONFIGS := --config config.toml --lab-config labs/$(LAB)/config.toml
# MSG goes to the script as one argument, byte for byte: $(value ...) keeps `$`
# unexpanded and the quoting below keeps spaces and quotes.
MSG_ARG = $(if $(value MSG),-- '$(subst ','\'',$(value MSG))')

.PHONY: help setup server server-stop run demo test catalog check-lab

help:
	@echo "JetStream lab for Java. Targets:"
	@echo "  make demo                   the whole lab: server, bootstrap, two publishes, pull, purge"
	@echo "  make run BIN=<script> [MSG=\"text\"] [ARGS=\"--flags\"]   one script: $(SCRIPTS)"
	@echo "  make test                   the tests (they start their own nats-server)"
	@echo "  make server / server-stop   start / stop the local JetStream server for the configured URL"
	@echo "  make setup                  install what is missing (JBang, nats-server)"
	@echo "  make catalog                register the aliases globally: jbang js-pub@$(CATALOG_NAME) \"hi\""
	@echo "LAB=$(LAB) (labs/$(LAB)/config.toml)"

setup:
	@$(JBANG) --version >/dev/null
	@bin/lab-server install

server: check-lab
	@bin/lab-server start

server-stop:
	@bin/lab-server stop

check-lab:
	@test -f labs/$(LAB)/config.toml || { echo "make: no lab '$(LAB)': labs/$(LAB)/config.toml is missing (labs: $$(ls labs | tr '\n' ' '))" >&2; exit 2; }

run: check-lab
	@case " $(SCRIPTS) " in *" $(BIN) "*) ;; *) echo "make: BIN must be one of: $(SCRIPTS) (got '$(BIN)')" >&2; exit 2 ;; esac
	@bin/lab-server ensure
	@$(JBANG) $(BIN) $(CONFIGS) $(ARGS) $(MSG_ARG)

demo: server
	@$(JBANG) js-bootstrap $(CONFIGS)
	@$(JBANG) js-pub $(CONFIGS) "first message"
	@$(JBANG) js-pub $(CONFIGS) "second message"
	@$(JBANG) js-pull $(CONFIGS)
	@$(JBANG) js-purge $(CONFIGS)

test: setup
	@$(JBANG) tests/RunTests.java

catalog:
	@$(JBANG) catalog add --global --force --name $(CATALOG_NAME) $(CURDIR)/jbang-catalog.json
	@echo "registered: from any directory, try  jbang js-pub@$(CATALOG_NAME) \"hello\""
