// Helpers for tests of this package and of the plugin: `@nx-cargo/cargo-workspace/testing`,
// an entry point that exists in this repository only (the published package leaves it out).
export { cargoFacts, compareFacts, modelFacts } from './cargo-metadata-oracle.js';
export { manifestsBelow } from './manifests-below.js';
export { memoryFs } from './memory-file-system.js';
export { base as lockEntries, lockText, REGISTRY, type Entry as LockEntry } from './lockfiles.js';
