#!/usr/bin/env node
import { runCli } from '../cli.js';

runCli(process.argv.slice(2), process.env).then(
  ({ code, stdout, stderr }) => {
    process.stdout.write(stdout);
    if (stderr) process.stderr.write(stderr);
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`nx-cargo-crate-cache: ${error.message}\n`);
    process.exitCode = 1;
  },
);
