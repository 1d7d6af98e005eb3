// Tools the tests run besides cargo, kept where a machine keeps them between
// runs: `NX_CARGO_TEST_TOOLS`, else `$XDG_CACHE_HOME/nx-cargo-test-tools`
// (`~/.cache/...`). CI can cache that folder; a clean machine fills it once.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const TOOLS_DIR = process.env.NX_CARGO_TEST_TOOLS || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nx-cargo-test-tools');

/** A setup step the tests need could not be done; the message says what to do. */
export class TestToolError extends Error {}
