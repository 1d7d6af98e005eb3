#!/bin/sh
# Stand-in for the crate cache's wrapper while it is not built, to try the
# benchmark end to end: cargo runs `$RUSTC_WRAPPER rustc <args>`, and this
# runs `rustc <args>` unchanged (it caches nothing).
#   node tools/bench/crate-cache/run.mjs --wrapper tools/bench/crate-cache/passthrough-wrapper.sh
exec "$@"
