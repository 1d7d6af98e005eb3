#!/usr/bin/env node
import { runWrapper } from '../wrapper.js';

// cargo calls `$RUSTC_WRAPPER <rustc> <args...>`.
const [rustc, ...args] = process.argv.slice(2);
if (!rustc) {
  process.stderr.write('nx-cargo-rustc: expected to be called by cargo as RUSTC_WRAPPER: nx-cargo-rustc <rustc> <args...>\n');
  process.exit(2);
}
runWrapper({ rustc, args, cwd: process.cwd(), env: process.env }).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`nx-cargo-rustc: ${error.stack ?? error.message}\n`);
    process.exit(101);
  },
);
