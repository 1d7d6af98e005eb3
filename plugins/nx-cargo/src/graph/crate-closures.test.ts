import assert from 'node:assert/strict';
import { it } from 'node:test';
import { crateClosures, type CrateEdges } from './crate-closures.js';

const crate = (projectName: string, deps: Array<[string, 'normal' | 'dev' | 'build']> = []): CrateEdges => ({
  projectName,
  root: `crates/${projectName}`,
  pathDependencies: deps.map(([name, kind]) => ({ dir: `crates/${name}`, kind })),
});

it('crateClosures: dev-dependencies reach tests only, with their own build closure; cycles through dev edges end', () => {
  const closures = crateClosures([
    crate('app', [['core', 'normal'], ['testkit', 'dev'], ['codegen', 'build']]),
    crate('core', [['util', 'normal'], ['app', 'dev']]),
    crate('util'),
    crate('codegen', [['util', 'normal']]),
    crate('testkit', [['fixtures', 'normal']]),
    crate('fixtures'),
  ]);
  assert.deepEqual(closures.get('app'), { build: ['codegen', 'core', 'util'], test: ['codegen', 'core', 'fixtures', 'testkit', 'util'] });
  // core's tests build app, and with it app's normal and build dependencies (not app's dev-dependencies).
  assert.deepEqual(closures.get('core'), { build: ['util'], test: ['app', 'codegen', 'util'] });
  assert.deepEqual(closures.get('util'), { build: [], test: [] });
});
