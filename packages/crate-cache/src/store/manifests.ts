import { StoreError } from './errors.js';
import { readTextIfExists, writeFileAtomic } from '../fs-util.js';
import type { StoreLayout } from './layout.js';
import type { ManifestCandidate } from './types.js';
import { candidateProblem } from './validate.js';

/** Enough for a crate that flips between a few feature/source states; older ones rarely hit again. */
export const MAX_CANDIDATES = 8;

/** Candidates recorded for `baseKey`, newest first; a damaged manifest reads as empty. */
export async function readManifest(paths: StoreLayout, baseKey: string): Promise<ManifestCandidate[]> {
  const text = await readTextIfExists(paths.manifest(baseKey));
  if (text === undefined) return [];
  try {
    const value = JSON.parse(text) as { candidates?: unknown };
    const candidates = Array.isArray(value.candidates) ? value.candidates : [];
    return candidates.every((candidate) => candidateProblem(candidate) === undefined) ? candidates : [];
  } catch {
    return [];
  }
}

/**
 * Puts `candidate` first, dropping any older one with the same key and the
 * oldest beyond the cap. Read-modify-write with an atomic replace: a
 * concurrent writer's candidate may be lost (it is re-added on its next
 * compile), but the file is never corrupt.
 */
export async function addManifestCandidate(paths: StoreLayout, baseKey: string, candidate: ManifestCandidate): Promise<void> {
  const file = paths.manifest(baseKey);
  const problem = candidateProblem(candidate);
  if (problem) throw new StoreError(file, `bad candidate: ${problem}`);
  const others = (await readManifest(paths, baseKey)).filter((old) => old.key !== candidate.key);
  const candidates = [candidate, ...others].slice(0, MAX_CANDIDATES);
  await writeFileAtomic(paths.temp(), file, JSON.stringify({ candidates }));
}
