import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NxCargoError } from '../../errors.js';

/** The workspace's @napi-rs/cli cannot be used: `file` is where it was looked for. */
export class NapiCliError extends NxCargoError {
  constructor(file: string, reason: string) {
    super(reason, file);
  }
}

/**
 * The script the `napi` bin of a @napi-rs/cli package.json runs, as an
 * absolute path: started with this Node rather than through
 * node_modules/.bin, whose shims differ by package manager and platform.
 */
export function napiBin(manifestFile: string, manifestText: string): string {
  let bin: unknown;
  try {
    bin = (JSON.parse(manifestText) as { bin?: unknown }).bin;
  } catch (error) {
    throw new NapiCliError(manifestFile, `not valid JSON (${(error as Error).message})`);
  }
  const script = typeof bin === 'string' ? bin : typeof bin === 'object' && bin !== null ? (bin as Record<string, unknown>).napi : undefined;
  if (typeof script !== 'string' || script === '') throw new NapiCliError(manifestFile, 'has no `napi` bin: is this @napi-rs/cli?');
  return join(dirname(manifestFile), script);
}

/** The workspace's own @napi-rs/cli, resolved from the workspace root as Node resolves packages. */
export function findNapiCli(workspaceRoot: string): string {
  let manifestFile: string;
  try {
    manifestFile = require.resolve('@napi-rs/cli/package.json', { paths: [workspaceRoot] });
  } catch {
    throw new NapiCliError(join(workspaceRoot, 'package.json'), '@napi-rs/cli is not installed in this workspace: run `npm install -D @napi-rs/cli` in the workspace root');
  }
  return napiBin(manifestFile, readFileSync(manifestFile, 'utf8'));
}
