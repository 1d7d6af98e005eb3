#!/usr/bin/env node
import { runCli } from '../cli.js';

runCli(process.argv.slice(2), process.env).then(
  ({ code, stdout }) => {
    process.stdout.write(stdout);
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`nx-cargo-crate-cache: ${error.message}\n`);
    process.exitCode = 1;
  },
);
