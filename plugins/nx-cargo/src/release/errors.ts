import { NxCargoError } from '../errors.js';

/** A release configuration Cargo cannot follow; names the file to fix (nx.json) and why. */
export class ReleaseConfigError extends NxCargoError {
  constructor(file: string, reason: string) {
    super(reason, file);
  }
}
