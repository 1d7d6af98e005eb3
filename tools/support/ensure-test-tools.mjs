#!/usr/bin/env node
// Run by `npm test` before the suites: what the tests need besides cargo and
// the fixtures' crates, brought where it is missing and reused after.
// - kache and cargo-nextest at their pinned versions (tools/support/kache.mjs,
//   nextest.mjs): compiled from crates.io when the machine has none, minutes
//   each on 2 cores;
// - the second toolchain of the "another toolchain" scenarios
//   (tools/support/other-toolchain.mjs), linked with rustup in a second.
import { KACHE } from './kache.mjs';
import { NEXTEST } from './nextest.mjs';
import { otherToolchain } from './other-toolchain.mjs';
import { TestToolError } from './test-tools.mjs';

const log = (line) => console.error(`ensure-test-tools: ${line}`);
try {
  log(`kache: ${KACHE.ensure(log)}`);
  log(`cargo-nextest: ${NEXTEST.ensure(log)}`);
  log(`second toolchain: +${otherToolchain()}`);
} catch (error) {
  if (!(error instanceof TestToolError)) throw error;
  log(error.message);
  process.exit(1);
}
