import type { CargoMessage } from '@nx-cargo/cargo-workspace';
import { plural } from '../../messages.js';

/** What one cargo process did for one package. */
export class PackageOutcome {
  readonly diagnostics: string[] = [];
  errors = 0;
  compiled = 0;
  fresh = 0;
  private readonly missing: Set<string>;

  /** `expected` are the targets (`name:kind`) the command must produce for the package. */
  constructor(expected: Iterable<string>) {
    this.missing = new Set(expected);
  }

  record(message: CargoMessage): void {
    if (message.reason === 'compiler-message') {
      if (message.level === 'error') this.errors += 1;
      if (message.rendered) this.diagnostics.push(message.rendered);
    } else if (message.reason === 'compiler-artifact') {
      if (message.fresh) this.fresh += 1;
      else this.compiled += 1;
      for (const kind of message.target.kind) this.missing.delete(`${message.target.name}:${kind}`);
    }
  }

  /** All expected targets built, no error: the result is known before cargo exits. */
  get complete(): boolean {
    return this.missing.size === 0 && this.errors === 0;
  }

  /** Why the package failed, once cargo has exited unsuccessfully; `failedElsewhere` names packages that had errors. */
  failureReason(failedElsewhere: readonly string[]): string {
    if (this.errors > 0) return plural(this.errors, 'error');
    const cause = failedElsewhere.length > 0 ? `${failedElsewhere.join(', ')} failed to compile` : 'cargo stopped before it';
    if (this.missing.size > 0) return `${[...new Set([...this.missing].map((target) => target.split(':')[0]))].join(', ')} not built: ${cause}`;
    return `cargo failed: ${cause}`;
  }
}
