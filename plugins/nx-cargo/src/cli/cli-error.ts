import { NxCargoError } from '../errors.js';

/**
 * What stops a CLI (nx-cargo-affected, nx-cargo-audit): the message says
 * what went wrong and what to do, and is printed after the tool's name;
 * `exitCode` 2 means the tool could not run (a usage error included).
 */
export class CliError extends NxCargoError {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
