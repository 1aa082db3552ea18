# The lab's entry points. `make help` lists them.
#   make demo                                   run the whole lab (LAB=lab1_publish_subscribe ... for the course's others)
#   make LAB=lab4_jetstream_basics run BIN=js-pub MSG="first message"
#   make test                                   run the tests

LAB   ?= lab4_jetstream_basics
BIN   ?=
MSG   ?=
ARGS  ?=
JBANG ?= bin/jbang
# Scripts start as plain java once JBang has built them (bin/lab-run); RUN=bin/jbang goes through JBang every time.
RUN   ?= bin/lab-run
CATALOG_NAME ?= jslab
# make export writes its jars here.
DIST  ?= dist

# Another lab config, e.g. the remote example: make demo LAB_CONFIG=labs/lab4_jetstream_basics/config.remote.toml
LAB_CONFIG ?= labs/$(LAB)/config.toml
# The three-node cluster's config (make cluster): make demo LAB_CONFIG=labs/lab4_jetstream_basics/config.cluster.toml
CLUSTER_CONFIG ?= labs/$(LAB)/config.cluster.toml

# A value given on make's command line or in the environment is its text: make would expand a `$(...)`
# in it (and run a `$(shell ...)`) each time it read or exported it. MSG keeps its origin (see run).
$(foreach name,LAB BIN ARGS JBANG RUN CATALOG_NAME DIST LAB_CONFIG CLUSTER_CONFIG SHARE_URL,\
  $(if $(filter command environment,$(firstword $(origin $(name)))),$(eval override $(name) := $$(value $(name)))))
ifneq ($(filter command environment,$(firstword $(origin MSG))),)
MSG_GIVEN := yes
override MSG := $(value MSG)
endif

# Every value a user can set reaches the recipes through the environment, quoted there as "$$NAME":
# never pasted into a recipe, where a space would split a path and a `;` would start a command.
export LAB LAB_CONFIG CLUSTER_CONFIG BIN JBANG RUN CATALOG_NAME DIST SHARE_URL
# A recipe that runs one command runs it by `exec`: /bin/sh (dash) would stay between make and it, and
# take the SIGTERM make hands on (`kill <make>`) for itself, leaving the command running with no parent.
# The scripts are the aliases of jbang-catalog.json, in its order (bin/lab-run reads it the same way).
SCRIPTS := $(shell awk -F'"' '$$2 == "script-ref" { print alias } NF > 2 { alias = $$2 }' jbang-catalog.json)
# check_bin: the shell's $$1 must name one of the scripts.
check_bin = case " $(SCRIPTS) " in *" $$1 "*) ;; *) $(shown_sh); printf '%s\n' "make: BIN must be one of: $(SCRIPTS) (got '$$(shown "$$1")')" >&2; exit 2 ;; esac
# What a user set, a path, a folder's name is shown in a recipe's line through shown (tools/jbang/shown.bash),
# printed by printf: dash's echo would read the backslashes shown writes as escapes.
shown_sh := . tools/jbang/shown.bash
CONFIGS := --config config.toml --lab-config "$$LAB_CONFIG"

.PHONY: help setup install server server-stop cluster cluster-stop cluster-status run demo reset test check bench catalog share export completion check-lab

help:
	@echo "JetStream lab for Java. Targets:"
	@echo "  make demo              the whole lab: server, bootstrap, publish, pull, purge"
	@echo "  make demo LAB=<lab>    another lab of the course: lab1_publish_subscribe,"
	@echo "                         lab2_queue_groups, lab3_request_reply,"
	@echo "                         lab5_consumers_at_work"
	@echo "  make run BIN=<script> [MSG=\"text\"] [ARGS=\"--flags\"]   one script:"
	@echo "                         $(filter js-%,$(SCRIPTS))"
	@echo "                         labs 1-3: $(filter-out js-%,$(SCRIPTS))"
	@echo "  make reset             back to the start: delete the stream and consumer"
	@echo "  make test / check      the tests (with their own nats-server) / quick tier"
	@echo "  make bench [QUICK=1]   scripts vs plain jnats and the C client: costs,"
	@echo "                         sweeps, charts, R1 vs R3, failover; bench/results.md"
	@echo "  make server / server-stop   start / stop the local server"
	@echo "  make cluster           three nodes on 4222-4224 (CLUSTER_CONFIG below), then"
	@echo "                         make demo LAB_CONFIG=\$$CLUSTER_CONFIG"
	@echo "  make cluster-status / cluster-stop   who answers and leads / stop the cluster"
	@echo "  make setup             install what is missing (JBang, nats-server)"
	@echo "  make install           put bin/jbang's JBang in ~/.jbang/bin (\$$JBANG_DIR/bin)"
	@echo "  make catalog           register the aliases: jbang js-pub@$$CATALOG_NAME \"hi\""
	@echo "  make share [SHARE_URL=url]   share/<Script>.java: each script as one file;"
	@echo "                         with SHARE_URL also share/url/<Script>.java, to paste"
	@echo "  make completion        bash/zsh completion: source <(make -s completion)"
	@echo "  make export [BIN=js-pub]   a jar per script for java -jar: $$DIST/js-pub.jar"
	@$(shown_sh); printf '%s\n' "CLUSTER_CONFIG=$$(shown "$$CLUSTER_CONFIG")"; lab=$$(shown "$$LAB"); printf '%s\n' "LAB=$$lab (labs/$$lab/config.toml)"

setup:
	@JBANG_FETCH_ONLY=1 exec $$JBANG
	@bin/lab-server install

server: check-lab
	@bin/lab-server start

server-stop:
	@bin/lab-server stop

cluster cluster-stop cluster-status: export LAB_CONFIG := $(CLUSTER_CONFIG)
cluster:
	@bin/lab-server start
cluster-stop:
	@bin/lab-server stop
cluster-status:
	@bin/lab-server status

check-lab:
	@test -f "labs/$$LAB/config.toml" || { $(shown_sh); lab=$$(shown "$$LAB"); \
	  printf '%s\n' "make: no lab '$$lab': labs/$$lab/config.toml is missing (labs: $$(shown "$$(ls labs | tr '\n' ' ')"))" >&2; exit 2; }
	@test -f "$$LAB_CONFIG" || { $(shown_sh); printf '%s\n' "make: LAB_CONFIG=$$(shown "$$LAB_CONFIG") does not exist" >&2; exit 2; }

# MSG reaches the script as one argument, byte for byte, also when empty; ARGS as the words a
# shell reads in it (quote as you would after the script's name). Both travel in the environment,
# so make never expands a `$` in them and a newline cannot break the recipe. make itself drops
# leading blanks from a variable set on its command line: MSG=' hi' make run ... keeps them.
ifdef MSG_GIVEN
run: export LAB_MSG := $(value MSG)
endif
run: export LAB_ARGS := $(value ARGS)
run: check-lab
	@set -- "$$BIN"; $(check_bin)
	@sh -n -c "set -- $$LAB_ARGS" 2>/dev/null || { $(shown_sh); printf '%s\n' "make: ARGS=$$(shown "$$LAB_ARGS") is not a list of shell words (a quote left open?): quote them as after the script's name, e.g. ARGS=\"--msg-id 'it'\\''s'\"" >&2; exit 2; }
	@awk -f tools/make/args.awk || { $(shown_sh); printf '%s\n' "make: ARGS=$$(shown "$$LAB_ARGS") would run a command or cut the line short (a \$$(...), \`...\`, ;, &, |, <, >, parentheses or a line break outside quotes, or a word starting with #): put such text in single quotes, e.g. ARGS=\"--msg-id 'a;b'\"" >&2; exit 2; }
	@. tools/jbang/locale.bash; use_utf8_locale; \
	  if [ -n "$${LAB_MSG+given}" ]; then utf8_or_refuse MSG "$$LAB_MSG" || exit 2; fi; \
	  eval "set -- $$LAB_ARGS"; n=0; for word do n=$$((n + 1)); utf8_or_refuse "ARGS word $$n" "$$word" || exit 2; done; \
	  if [ -n "$${LAB_MSG+given}" ]; then set -- -- "$$LAB_MSG"; else set --; fi; \
	  eval "set -- $$LAB_ARGS \"\$$@\""; bin/lab-server ensure "$$BIN" $(CONFIGS) "$$@" && exec $$RUN "$$BIN" $(CONFIGS) "$$@"

# Labs 1-3 keep their demo in labs/<lab>/demo.sh (subscribers run in the background there).
demo: server
ifneq ($(wildcard labs/$(LAB)/demo.sh),)
	@LAB_DEMO="$$LAB" bash "labs/$$LAB/demo.sh"
else
	@$$RUN js-bootstrap $(CONFIGS)
	@$$RUN js-pub $(CONFIGS) "first message"
	@$$RUN js-pub $(CONFIGS) "second message"
	@$$RUN js-pull $(CONFIGS)
	@$$RUN js-purge $(CONFIGS)
endif

# Back to before the lesson's first step: sequence numbers only start at 1 on a new stream, so the
# stream goes (its consumer with it), and the lesson's js-bootstrap then prints "created" as shown.
# A stream that is not there yet is nothing to delete (js-purge says so with exit code 5).
reset: server
	@out=$$($$RUN js-purge $(CONFIGS) --delete --force 2>&1); rc=$$?; \
	  case $$rc in 0) printf '%s\n' "$$out" ;; 5) echo "INFO nothing to delete: no stream yet" ;; *) printf '%s\n' "$$out" >&2; exit $$rc ;; esac
	@echo "INFO the lab is back at its start: run js-bootstrap (make run BIN=js-bootstrap) to create the stream and consumer"

test: setup
	@LAB_JBANG=pinned exec $$JBANG tests/RunTests.java

# The quick tier for the edit loop (about a minute): the scripts' own behaviour against a real server.
check: setup
	@LAB_JBANG=pinned exec $(JBANG) tests/RunTests.java --quick

# The C rows need gcc and Debian's libnats-dev: installed here when missing and apt-get can (as root);
# otherwise the report says why it has no C rows.
bench: setup
	@if [ ! -f /usr/include/nats/nats.h ] || ! command -v gcc >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "bench: installing gcc and libnats-dev for the C client (apt-get)"; \
	    apt-get install -y -qq gcc libnats-dev >/dev/null || echo "bench: could not install them: no C rows"; \
	  fi; \
	fi
	@exec $$JBANG bench/Bench.java
	@exec $$JBANG bench/ClusterBench.java

# Opt-in: never part of setup or test.
install:
	@exec bin/lab-install

export:
	@set -f; for bin in $${BIN:-$(SCRIPTS)}; do set -- "$$bin"; $(check_bin); done; exec bin/lab-export "$$DIST" $${BIN:-$(SCRIPTS)}

# Printed, not installed: source <(make -s completion), or save it where your shell loads completions.
completion:
	@exec $$JBANG --quiet tools/Completion.java

# The hint names the jbang you can run: the one on PATH, else this repo's bin/jbang.
catalog:
	@was=$$(f=$${JBANG_DIR:-$$HOME/.jbang}/jbang-catalog.json; [ ! -f "$$f" ] || tr -d '\n' < "$$f" 2>/dev/null | grep -o "\"$$CATALOG_NAME\" *: *{[^}]*}" \
	    | sed -n 's/.*"catalog-ref" *: *"\([^"]*\)".*/\1/p' | head -n 1); \
	  if [ -n "$$was" ] && [ "$$was" != "$$(pwd)/jbang-catalog.json" ]; then $(shown_sh); \
	    printf '%s\n' "catalog: the name $$(shown "$$CATALOG_NAME") named $$(shown "$$was"); it now names this folder's (CATALOG_NAME=... picks another name)"; fi
	@exec $$JBANG catalog add --global --force --name "$$CATALOG_NAME" "$$(pwd)/jbang-catalog.json"
	@$(shown_sh); name=$$(shown "$$CATALOG_NAME"); here=$$(shown "$$(pwd)"); \
	  if command -v jbang >/dev/null 2>&1; then \
	    printf '%s\n' "registered: from any directory, try  jbang js-pub@$$name \"hello\""; \
	  else \
	    if [ -n "$${JBANG_DIR:-}" ]; then bin=$$(shown "$$JBANG_DIR/bin"); else bin='~/.jbang/bin'; fi; \
	    if [ -x "$${JBANG_DIR:-$$HOME/.jbang}/bin/jbang" ]; then why="jbang is in $$bin, which is not on your PATH: add the line make install prints to ~/.profile"; \
	    else why="jbang is not on your PATH: make install puts it in $$bin and prints the line that adds that folder to PATH"; fi; \
	    printf '%s\n' "registered: from any directory, try  $$here/bin/jbang js-pub@$$name \"hello\" ($$why)"; \
	  fi

# One self-contained file per script, for sharing by copy (tests/ShareTest fails when they are stale).
# SHARE_URL: the URL of the lab's scripts/ folder of one tag, published on a web server; given, make share
# also writes share/url/<Script>.java, the script alone with its //SOURCES at that URL (the form to paste).
SHARE_URL ?=
share: setup
	@if [ -n "$$SHARE_URL" ]; then set -- --url "$$SHARE_URL"; else set --; fi; exec $$JBANG --quiet tools/Share.java "$$@" share
