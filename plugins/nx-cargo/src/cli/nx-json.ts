import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './cli-error.js';

/** nx.json at the Nx root, as Nx reads it (comments allowed). */
export async function readNxJsonAt(nxRoot: string): Promise<{ plugins?: unknown[]; namedInputs?: Record<string, unknown[]> }> {
  const file = join(nxRoot, 'nx.json');
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as { plugins?: unknown[] };
  } catch {
    const { parseJson } = await import('../nx-devkit.js');
    try {
      return parseJson(text);
    } catch (error) {
      throw new CliError(`${file}: ${(error as Error).message}`);
    }
  }
}
