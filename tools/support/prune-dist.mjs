#!/usr/bin/env node
// tsc never deletes what it emitted for a source that is gone: a moved or
// deleted module would live on in dist/, be run by the tests and be packed.
// Removes every dist/ file whose src/ source no longer exists.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
const PACKAGES = ['packages/cargo-workspace', 'packages/crate-cache', 'plugins/nx-cargo'];
const EMITTED = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;


for (const pkg of PACKAGES) {
  const dist = join(ROOT, pkg, 'dist');
  if (!existsSync(dist)) continue;
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    if (!EMITTED.test(file)) continue;
    const source = join(ROOT, pkg, 'src', file.replace(EMITTED, '.ts'));
    if (existsSync(source)) continue;
    rmSync(join(dist, file));

    console.log(`prune-dist: removed ${relative(ROOT, join(dist, file))} (its source is gone)`);
  }
}
