/*
 * cargo's `--message-format=json` lines (cargo's "JSON messages" reference),
 * with the fields nx-cargo reads, camelCased. One parser for the executor
 * (a task's result), the audit and strict inputs (what a build read).
 */

export interface CompilerArtifact {
  reason: 'compiler-artifact';
  packageId: string;
  manifestPath: string;
  target: { name: string; kind: string[] };
  /** The files the unit produced (for a library: .rlib/.rmeta; for a build script: its executable). */
  filenames: string[];
  /** Up to date: cargo did not run rustc for it. */
  fresh: boolean;
}

export interface CompilerMessage {
  reason: 'compiler-message';
  packageId: string;
  manifestPath: string;
  level: string;
  rendered: string;
}

export interface BuildScriptExecuted {
  reason: 'build-script-executed';
  packageId: string;
  /** `cargo:rustc-env` pairs the script set for the crate's compile. */
  env: Array<[string, string]>;
  outDir: string;
}

export interface BuildFinished {
  reason: 'build-finished';
  success: boolean;
}

export type CargoMessage = CompilerArtifact | CompilerMessage | BuildScriptExecuted | BuildFinished;

/** One stdout line of cargo; anything that is not one of these messages (a test's own output) reads as undefined. */
export function parseCargoMessage(line: string): CargoMessage | undefined {
  if (!line.startsWith('{')) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const packageId = String(raw.package_id ?? '');
  const manifestPath = String(raw.manifest_path ?? '');
  switch (raw.reason) {
    case 'compiler-artifact': {
      const target = (raw.target ?? {}) as { name?: unknown; kind?: unknown };
      return {
        reason: 'compiler-artifact',
        packageId,
        manifestPath,
        target: { name: String(target.name ?? ''), kind: strings(target.kind) },
        filenames: strings(raw.filenames),
        fresh: raw.fresh === true,
      };
    }
    case 'compiler-message': {
      const message = (raw.message ?? {}) as { level?: unknown; rendered?: unknown };
      return { reason: 'compiler-message', packageId, manifestPath, level: String(message.level ?? ''), rendered: typeof message.rendered === 'string' ? message.rendered : '' };
    }
    case 'build-script-executed': {
      const env = Array.isArray(raw.env) ? raw.env.filter((pair): pair is [string, string] => Array.isArray(pair) && pair.length === 2).map(([name, value]) => [String(name), String(value)] as [string, string]) : [];
      return { reason: 'build-script-executed', packageId, env, outDir: String(raw.out_dir ?? '') };
    }
    case 'build-finished':
      return { reason: 'build-finished', success: raw.success === true };
    default:
      return undefined;
  }
}

/** Every message in cargo's stdout, in order. */
export function parseCargoMessages(stdout: string): CargoMessage[] {
  return stdout.split('\n').flatMap((line) => {
    const message = parseCargoMessage(line);
    return message ? [message] : [];
  });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
