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

export const KACHE = new CargoTool({ crate: 'kache', version: '2.0.0', locked: false, minutes: 10 });
export const KACHE_VERSION = KACHE.version;

export const findKache = (env) => KACHE.find(env);
export const requireKache = () => KACHE.require();
