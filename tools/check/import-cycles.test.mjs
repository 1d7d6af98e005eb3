// No module of the packages or the plugin imports itself back through others
// (type-only imports included): a cycle ties modules that should stand apart
// and hides which one is the base. madge finds them:
//   npx madge --circular --extensions ts packages/*/src plugins/*/src
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import madge from 'madge';
import { REPO_ROOT } from '../support/installed-packages.mjs';

const SOURCES = ['packages/cargo-workspace/src', 'packages/crate-cache/src', 'plugins/nx-cargo/src'].map((dir) => join(REPO_ROOT, dir));

test('no import cycle in packages/ and plugins/', async () => {
  const graph = await madge(SOURCES, { fileExtensions: ['ts'], tsConfig: join(REPO_ROOT, 'tsconfig.base.json') });
  assert.ok(Object.keys(graph.obj()).length > 200, 'madge read the sources');
  assert.deepEqual(graph.circular(), []);
});

test('negative control: a cycle through a type-only import is found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycle-'));
  writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
  writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
  const graph = await madge(dir, { fileExtensions: ['ts'], tsConfig: join(REPO_ROOT, 'tsconfig.base.json') });
  assert.deepEqual(graph.circular(), [['a.ts', 'b.ts']]);
});
