// The real kache the tests run under `crateCache: kache`, at one pinned
// version (see CargoTool).
//
// Why 2.0.0 without --locked: 2.0.0's Cargo.lock pins webpki-roots 1.0.11,
// which crates.io's index no longer lists, so `cargo install --locked kache`
// fails to resolve. 1.2.2 still installs with --locked, but 2.0.0 is what
// `cargo install kache` gives a user today, and its report is what the
// plugin parses. Without --locked, cargo resolves kache's dependencies anew
// within their semver ranges.
import { CargoTool } from './test-tools.mjs';

// Without fat LTO: kache's release profile links with `lto = "fat"` and one
// codegen unit, which took 35 minutes on 2 busy cores; with LTO off and 16
// units the same install took 10 (730 s of CPU), which a CI machine's first
// run can afford. The code is kache's own, only less optimized.
export const KACHE = new CargoTool({
  crate: 'kache',
  version: '2.0.0',
  locked: false,
  minutes: 8,
  installEnv: { CARGO_PROFILE_RELEASE_LTO: 'off', CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '16' },
});
export const KACHE_VERSION = KACHE.version;

export const findKache = (env) => KACHE.find(env);
export const requireKache = () => KACHE.require();
