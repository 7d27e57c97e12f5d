# Belay: `make demo` shows it working, `make test` proves it. Both install what they need.
SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?=
BIN_DIR      = $(shell $(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --show-bin-path 2>/dev/null)
SUDO         = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build cli serve release static install test demo bench docs fuzz clean

all: build

## deps: install what Belay and its examples need, only when missing: libgit2 (and pkg-config to
## find it); sqlite3, python3, curl and PostgreSQL for the example playbooks, their tests and the
## benchmarks; GNU time for the memory benchmarks; for the tests that open reports in a browser,
## Chromium with its driver (headless) and Selenium for Python; `script` (util-linux) for the
## terminal tests.
deps:
	@missing=""; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev pkg-config"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	{ ls /usr/lib/postgresql/*/bin/initdb || test -x "$$(pg_config --bindir)/initdb"; } >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v script >/dev/null 2>&1 || missing="$$missing bsdutils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi; \
	python3 -c "import selenium" 2>/dev/null || { echo "installing: selenium (PyPI)"; python3 -m pip install -q selenium 2>/dev/null || python3 -m pip install -q --break-system-packages selenium; }

## build: every product, `belay-serve` (the HTTP server of `belay serve`) included.
build: deps
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

## cli: only the `belay` command line: no web server to build for a first look.
cli: deps
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --product belay

## serve: `belay-serve`, which `belay serve` runs (beside `belay` in the same folder).
serve: cli
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS) --product belay-serve

release:
	$(MAKE) build CONFIG=release

## static: a release `belay` with the Swift runtime linked in (--static-swift-stdlib), built in
## its own scratch folder so it never invalidates the ordinary builds. It needs only libgit2 and
## the C and C++ runtimes from the machine it runs on (README: Install). Its own symbols are not
## exported: nothing loads `belay` as a library, and 46,000 exported names slowed every start
## (the runtime's dladdr walks them).
STATIC_SCRATCH     ?= .build-static
STATIC_CONFIG      ?= release
STATIC_BUILD_FLAGS ?= --scratch-path $(STATIC_SCRATCH)
STATIC_FLAGS        = -c $(STATIC_CONFIG) --static-swift-stdlib -Xlinker --no-export-dynamic $(STATIC_BUILD_FLAGS)
static: deps
	$(SWIFT) build $(STATIC_FLAGS) --product belay

## install: `make install PREFIX=/usr/local` copies the static build to $(PREFIX)/bin: `belay`, and
## `belay-serve` beside it (linked the same way), which `belay serve` runs from `belay`'s folder.
## Then checks them: no Swift runtime library among what they link, and both start from an empty
## environment.
PREFIX  ?= /usr/local
DESTDIR ?=
install: static
	$(SWIFT) build $(STATIC_FLAGS) --product belay-serve
	@from="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)"; to="$(DESTDIR)$(PREFIX)/bin"; \
	install -d "$$to" || exit 1; \
	for program in belay belay-serve; do \
	  install -m 0755 "$$from/$$program" "$$to/$$program" || exit 1; \
	  if ldd "$$to/$$program" | grep -q 'libswift\|libFoundation\|libdispatch'; then \
	    echo "install: $$to/$$program links a Swift runtime library:"; ldd "$$to/$$program"; exit 1; \
	  fi; \
	done; \
	env -i PATH=/usr/bin:/bin "$$to/belay" serve --help >/dev/null && \
	echo "installed $$to/belay and $$to/belay-serve ($$(env -i PATH=/usr/bin:/bin "$$to/belay" --version))"

## test: every unit and end-to-end test (the end-to-end ones drive the built `belay` and
## `belay-serve` binaries). First `make install` into .build-static/test-install, from a static
## build of the same configuration (its own scratch folder: objects built for a static link
## cannot be linked dynamically), so InstallTests can run that installed binary from an empty
## environment.
TEST_PREFIX = $(CURDIR)/$(STATIC_SCRATCH)/test-install
test: build
	@$(MAKE) -s install PREFIX="$(TEST_PREFIX)" STATIC_CONFIG=$(CONFIG)
	BELAY_INSTALLED="$(TEST_PREFIX)/bin/belay" BELAY_BIN="$(BIN_DIR)/belay" $(SWIFT) test $(BUILD_FLAGS)

## demo: a guided tour in temporary workspaces (builds only `belay`).
demo: cli
	@BELAY="$(BIN_DIR)/belay" bash playbooks/demo.sh

## bench: speed measured side by side with a reference in the same run (release build).
## The `belay` timed is the one `make install` ships (release, Swift runtime linked in); the
## benchmark drivers, and the `belay` and `belay-serve` of the serve benchmark, come from the
## ordinary release build.
bench: deps static
	$(SWIFT) build -c release $(BUILD_FLAGS)
	@BUILD_FLAGS="$(BUILD_FLAGS)" BELAY="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/belay" \
	  SERVE_BELAY="$$($(SWIFT) build -c release $(BUILD_FLAGS) --show-bin-path)/belay" bash Benchmarks/run.sh

## docs: the Belay library's documentation (DocC), written to .build/docs.
docs: deps
	@mkdir -p .build
	$(SWIFT) package $(BUILD_FLAGS) --allow-writing-to-directory .build/docs \
	  generate-documentation --target Belay --output-path .build/docs

## fuzz: coverage-guided fuzzing of the gate's readers, the policy loader and the playbook parser
## (libFuzzer), FUZZ_SECONDS per target (default 30); not part of `make test`. See docs/fuzzing.md.
FUZZ_SECONDS ?= 30
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) bash Fuzz/run.sh

clean:
	rm -rf .build $(STATIC_SCRATCH)
