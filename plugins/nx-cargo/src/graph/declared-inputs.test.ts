import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CargoPackage } from '@nx-cargo/cargo-workspace';
import { declaredInputs } from './declared-inputs.js';

const pkg = (metadata: unknown) => ({ name: 'app', dir: 'crates/app', manifestFile: 'crates/app/Cargo.toml', fields: { metadata } }) as unknown as CargoPackage;

it('declaredInputs reads [package.metadata.nx] inputs and the plugin option, reporting entries of another shape', () => {
  const warnings: string[] = [];
  const inputs = declaredInputs(
    pkg({ nx: { inputs: ['{workspaceRoot}/shared/data.txt', { env: 'APP_MODE' }, { file: 'x' }, 3] } }),
    { inputs: { 'crates/app': [{ runtime: 'node --version' }] } },
    warnings,
  );
  assert.deepEqual(inputs, ['{workspaceRoot}/shared/data.txt', { env: 'APP_MODE' }, { runtime: 'node --version' }]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /^crates\/app\/Cargo\.toml \[package\.metadata\.nx\] inputs: \{"file":"x"\} is not a file pattern/);
  assert.deepEqual(declaredInputs(pkg(undefined), { inputs: { app: ['{workspaceRoot}/x'] } }, []), ['{workspaceRoot}/x']);
  const notArray: string[] = [];
  declaredInputs(pkg({ nx: { inputs: 'x' } }), undefined, notArray);
  assert.match(notArray[0], /must be an array/);
});
