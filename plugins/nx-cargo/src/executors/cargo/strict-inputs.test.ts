import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CargoExecutorOptions } from './schema.js';
import { strictInputsWanted } from './strict-inputs.js';

it('strict inputs: the option, else NX_CARGO_STRICT_INPUTS; only for commands that compile', () => {
  const options = (extra: Partial<CargoExecutorOptions>): CargoExecutorOptions => ({ command: 'build', package: 'app', cwd: '.', ...extra });
  assert.equal(strictInputsWanted(options({}), {}), false);
  assert.equal(strictInputsWanted(options({}), { NX_CARGO_STRICT_INPUTS: '1' }), true);
  assert.equal(strictInputsWanted(options({}), { NX_CARGO_STRICT_INPUTS: 'true' }), true);
  assert.equal(strictInputsWanted(options({}), { NX_CARGO_STRICT_INPUTS: '0' }), false);
  assert.equal(strictInputsWanted(options({ strictInputs: true }), {}), true);
  assert.equal(strictInputsWanted(options({ strictInputs: false }), { NX_CARGO_STRICT_INPUTS: '1' }), false, 'a task can opt out');
  for (const command of ['check', 'test', 'clippy'] as const) assert.equal(strictInputsWanted(options({ command, strictInputs: true }), {}), true);
  for (const command of ['fmt', 'doc', 'run'] as const) assert.equal(strictInputsWanted(options({ command, strictInputs: true }), {}), false);
});
