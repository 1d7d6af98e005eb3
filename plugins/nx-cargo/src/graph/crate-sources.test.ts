import assert from 'node:assert/strict';
import { it } from 'node:test';
import { crateSources, type CrateEdges } from './crate-sources.js';

const crate = (projectName: string, deps: Array<[string, 'normal' | 'dev' | 'build']> = []): CrateEdges => ({
  projectName,
  root: `crates/${projectName}`,
  pathDependencies: deps.map(([name, kind]) => ({ dir: `crates/${name}`, kind })),
  hasDeclaredInputs: projectName === 'codegen' || projectName === 'fixtures',
});

it('crateSources: dev-dependencies reach tests only, with their own build closure; cycles through dev edges end', () => {
  const sources = crateSources([
    crate('app', [['core', 'normal'], ['testkit', 'dev'], ['codegen', 'build']]),
    crate('core', [['util', 'normal'], ['app', 'dev']]),
    crate('util'),
    crate('codegen', [['util', 'normal']]),
    crate('testkit', [['fixtures', 'normal']]),
    crate('fixtures'),
  ]);
  // app's tests reach everything its edges reach; its build leaves the dev-dependency testkit (and fixtures) out.
  assert.deepEqual(sources.get('app'), { build: ['codegen', 'core', 'util'], test: 'any-edge', declared: { build: ['codegen'], test: ['codegen', 'fixtures'] } });
  // core's tests build app, and with it app's normal and build dependencies (not app's dev-dependencies).
  assert.deepEqual(sources.get('core'), { build: ['util'], test: ['app', 'codegen', 'util'], declared: { build: [], test: ['codegen'] } });
  assert.deepEqual(sources.get('util'), { build: 'any-edge', test: 'any-edge', declared: { build: [], test: [] } });
});
