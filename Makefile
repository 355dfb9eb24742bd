# Lá Chắn: the two commands of the README.
#   make        build the bundle from the lists, the extension under dist/,
#               its packages under dist/packages/ (store zips, xpi, signed
#               CRX and updates.xml; docs/packaging.md), and check two URLs
#               with the CLI
#   make test   every test: Rust (unit, integration on the real lists),
#               WASM parity in Node, extension lint, real-browser e2e
# Both install what they need first (.ci/setup; idempotent).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
LACHAN := target/release/lachan
BUNDLE := dist/lachan.lcb
WASM := target/wasm32-unknown-unknown/release/lachan_wasm.wasm

.PHONY: all setup bundle wasm extension package lock-kit demo test test-rust test-wasm test-extension test-e2e lint bench

all: setup bundle extension package demo

setup:
	bash .ci/setup

$(LACHAN): FORCE
	$(CARGO) build --release --bin lachan

bundle: $(LACHAN)
	$(LACHAN) build --out $(BUNDLE)

wasm:
	$(CARGO) build --release -p lachan-wasm --target wasm32-unknown-unknown

extension: wasm bundle
	node extension/build.mjs --bundle $(BUNDLE) --out dist

# Policy files that force-install the extension and close the ways round it,
# per system (docs/schools.md, "Lock kits"). Options, for example:
#   make lock-kit LOCK_KIT_ARGS="--update-url https://example.org/updates.xml --private allow"
LOCK_KIT_ARGS ?=
lock-kit:
	node extension/lock-kit.mjs --out dist/lock-kit $(LOCK_KIT_ARGS)

# CRX_KEY: the RSA key (PEM) that signs lachan.crx (default .keys/lachan-crx.pem,
# git-ignored, made on first use); UPDATE_BASE: where lachan.crx and
# updates.xml will be served; CHROME_STORE_ID / EDGE_STORE_ID: the stores' ids.
UPDATE_BASE ?= http://localhost:8734/
package: extension
	node extension/package.mjs --dist dist --update-base $(UPDATE_BASE) $(if $(CRX_KEY),--crx-key $(CRX_KEY)) \
	  $(if $(CHROME_STORE_ID),--chrome-store-id $(CHROME_STORE_ID)) $(if $(EDGE_STORE_ID),--edge-store-id $(EDGE_STORE_ID))

demo: $(LACHAN)
	$(LACHAN) check --bundle $(BUNDLE) https://www.00224118.com/x https://vnexpress.net/

# Rust formatting and clippy; deny.toml: the licences the dependency tree may
# have, crates.io only, no wildcard versions; the extension's JavaScript
# type-checked against its JSDoc types and the browsers' API types (tsc,
# extension/jsconfig.json).
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) deny check licenses sources bans
	cd extension && npx --no-install tsc -p jsconfig.json

test: setup lint bundle test-rust test-wasm test-extension test-e2e

test-rust: bundle
	LACHAN_BUNDLE=$(CURDIR)/$(BUNDLE) $(CARGO) test --workspace --release

# The same fixture through the WASM build in Node, compared with the CLI;
# the seeded bundle mutants through WASM; and the worker's recovery from a
# trap, with a build (own target dir) whose `test-trap` feature can force one.
WASM_TRAP_DIR := target/wasm-test-trap
test-wasm: wasm bundle
	wasm-bindgen --target nodejs --experimental-reset-state-function --out-dir target/wasm-node --out-name lachan $(WASM)
	node tests/wasm/parity.mjs target/wasm-node $(BUNDLE) $(LACHAN)
	$(LACHAN) build --quiet --offline --registry tests/fixtures/mutants/registry.toml --out target/mutants.lcb
	node tests/wasm/mutants.mjs target/wasm-node target/mutants.lcb
	$(CARGO) build --release -p lachan-wasm --target wasm32-unknown-unknown --features test-trap --target-dir $(WASM_TRAP_DIR)
	wasm-bindgen --target nodejs --experimental-reset-state-function --out-dir target/wasm-node-trap --out-name lachan $(WASM_TRAP_DIR)/wasm32-unknown-unknown/release/lachan_wasm.wasm
	node --test tests/wasm/

test-extension: extension
	node --test extension/test/
	cd extension && npx --no-install web-ext lint --source-dir ../dist/firefox --self-hosted

# Real headless Chromium and Firefox ESR: navigation blocking and the warning
# page; page-text overlay, typing guard and search; image-hash checks and the
# report flow; SafeSearch and YouTube restricted mode; the hardening
# self-check page; the options page; the first run (welcome page); the
# bypass tricks (sub-resources, <object>, pushState, wrappers, URL prefixes,
# warn twins, cold worker, prerender, browser start, private windows); a
# copy under another extension id still blocking; list updates from a local
# server and the not-ready page (corrupt bundle); the locked install (the
# lock kit's policy files force-install the CRX and the xpi). Each
# runner builds its own test bundle and extension.
test-e2e: wasm
	node tests/e2e/run.mjs
	node tests/e2e/text/run.mjs
	node tests/e2e/images/run.mjs --skip-wasm-build
	node tests/e2e/evidence/run.mjs --skip-wasm-build
	node tests/e2e/safesearch/run.mjs
	node tests/e2e/selfcheck/run.mjs --skip-wasm-build
	node tests/e2e/options/run.mjs --skip-wasm-build
	node tests/e2e/welcome/run.mjs --skip-wasm-build
	node tests/e2e/pages/run.mjs --skip-wasm-build
	node tests/e2e/bypass/run.mjs --skip-wasm-build
	node tests/e2e/policy/run.mjs --skip-wasm-build
	node tests/e2e/install/run.mjs --skip-wasm-build
	node tests/e2e/anyid/run.mjs
	node tests/e2e/updates/run.mjs --skip-wasm-build

bench: bundle wasm
	$(CARGO) bench -p lachan-core
	node bench/run.mjs

FORCE:
