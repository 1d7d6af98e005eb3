#!/usr/bin/env node
import { LocalRustcRunner } from '../local-rustc-runner.js';
import { flushRemoteUploads } from '../remote/index.js';
import { runWrapper } from '../wrapper.js';

// cargo calls `$RUSTC_WRAPPER <rustc> <args...>`; this is the in-process
// wrapper, which the native client falls back to when no server can serve.
const [rustc, ...args] = process.argv.slice(2);
if (!rustc) {
  process.stderr.write('nx-cargo-rustc: expected to be called by cargo as RUSTC_WRAPPER: nx-cargo-rustc <rustc> <args...>\n');
  process.exit(2);
}
const call = { rustc, args, cwd: process.cwd(), env: process.env };
// No process outlives this call to finish an upload: it is done before cargo gets the answer.
runWrapper({ ...call, runner: new LocalRustcRunner(call) }).then(
  async (code) => {
    await flushRemoteUploads('');
    process.exit(code);
  },
  (error: Error) => {
    process.stderr.write(`nx-cargo-rustc: ${error.stack ?? error.message}\n`);
    process.exit(101);
  },
);
