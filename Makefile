# Entry points; the logic lives in scripts/ (each script says what it does at its top).
#   make pkg    build the npm package into pkg/ (prints the .wasm size)
#   make test   every test layer (LAYERS="js packaging" to pick some; KEEP_GOING=1 to go on after a failure)
#   make demo   build pkg/ and serve the demo on http://localhost:$(PORT)/
#   make bench  run the benchmarks
#   make tools  install missing build tools (add BROWSER=1 for chromium + chromedriver)

PORT ?= 8080
LAYERS ?=

.PHONY: all pkg test demo bench tools clean

all: pkg

tools:
	scripts/ensure-tools.sh $(if $(BROWSER),--browser)

pkg:
	scripts/ensure-tools.sh
	scripts/build-pkg.sh

test:
	scripts/test.sh $(LAYERS)

demo: pkg
	PORT=$(PORT) node scripts/serve.mjs

bench:
	scripts/bench.sh

clean:
	rm -rf pkg build target/wasm32-unknown-unknown/release/wasm_writable.wasm
