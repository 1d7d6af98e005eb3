import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/** `node <nx's bin>` as installed in the Nx workspace at `nxRoot` (the bin's place inside the package differs between Nx majors). */
export function nxCommand(nxRoot: string): [node: string, script: string] {
  let manifest: string;
  try {
    manifest = require.resolve('nx/package.json', { paths: [nxRoot] });
  } catch {
    throw new CliError(`nx is not installed in ${nxRoot} (npm install -D nx)`);
  }
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> | string }).bin;
  return [process.execPath, join(dirname(manifest), typeof bin === 'string' ? bin : bin.nx)];
}
