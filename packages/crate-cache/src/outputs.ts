import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { RustcCompile } from './rustc-args.js';

/**
 * The files one compile leaves in its out-dir. cargo gives every unit a
 * unique `-C extra-filename`, so `<crate><extra>` and `lib<crate><extra>`
 * (with any extension) belong to this unit alone, even in a shared `deps/`.
 */
export async function unitOutputs(compile: RustcCompile): Promise<string[]> {
  const stem = `${compile.crateName}${compile.extraFilename}`;
  const ours = new RegExp(`^(lib)?${escapeRegExp(stem)}(\\.[A-Za-z0-9]+)?$`);
  return (await readdir(compile.outDir)).filter((name) => ours.test(name)).sort();
}

export function depInfoFile(compile: RustcCompile): string {
  return path.join(compile.outDir, `${compile.crateName}${compile.extraFilename}.d`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
