/** The parts of cargo's `--message-format=json` lines that decide a task's result. */
export type CargoMessage =
  | { reason: 'compiler-artifact'; manifestPath: string; target: string; kind: string[]; fresh: boolean }
  | { reason: 'compiler-message'; manifestPath: string; level: string; rendered: string }
  | { reason: 'build-finished'; success: boolean };

/** Parses one stdout line of cargo; anything that is not a message cargo documents reads as undefined. */
export function parseCargoMessage(line: string): CargoMessage | undefined {
  if (!line.startsWith('{')) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const target = raw.target as { name?: string; kind?: string[] } | undefined;
  switch (raw.reason) {
    case 'compiler-artifact':
      return { reason: 'compiler-artifact', manifestPath: String(raw.manifest_path), target: String(target?.name), kind: target?.kind ?? [], fresh: raw.fresh === true };
    case 'compiler-message': {
      const message = raw.message as { level?: string; rendered?: string } | undefined;
      return { reason: 'compiler-message', manifestPath: String(raw.manifest_path), level: String(message?.level), rendered: message?.rendered ?? '' };
    }
    case 'build-finished':
      return { reason: 'build-finished', success: raw.success === true };
    default:
      return undefined;
  }
}

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
      for (const kind of message.kind) this.missing.delete(`${message.target}:${kind}`);
    }
  }

  /** All expected targets built, no error: the result is known before cargo exits. */
  get complete(): boolean {
    return this.missing.size === 0 && this.errors === 0;
  }

  /** Why the package failed, once cargo has exited unsuccessfully; `failedElsewhere` names packages that had errors. */
  failureReason(failedElsewhere: readonly string[]): string {
    if (this.errors > 0) return `${this.errors} error${this.errors === 1 ? '' : 's'}`;
    const cause = failedElsewhere.length > 0 ? `${failedElsewhere.join(', ')} failed to compile` : 'cargo stopped before it';
    if (this.missing.size > 0) return `${[...new Set([...this.missing].map((target) => target.split(':')[0]))].join(', ')} not built: ${cause}`;
    return `cargo failed: ${cause}`;
  }
}
