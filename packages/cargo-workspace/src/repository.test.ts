import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nodeFileSystem } from './node-file-system.js';
import { loadCargoRepository } from './repository.js';
import { cargoFacts, compareFacts, modelFacts } from './testing/cargo-metadata-oracle.js';
import { manifestsBelow } from './testing/manifests-below.js';

const FIXTURES = join(__dirname, '../fixtures/workspaces');

describe('the model agrees with cargo metadata', () => {
  for (const fixture of ['virtual-globs', 'root-package', 'multi', 'root-crate', 'patched']) {
    it(fixture, () => {
      const root = join(FIXTURES, fixture);
      const manifests = manifestsBelow(root);
      const repository = loadCargoRepository(nodeFileSystem(root), manifests);
      assert.deepEqual(repository.errors.map((error) => error.message), []);
      const cargo = cargoFacts(root, manifests);
      assert.deepEqual(cargo.failed, []);
      assert.deepEqual(compareFacts(cargo.packages, modelFacts(repository)), []);
      assert.equal(repository.packages.length, cargo.packages.size);
    });
  }

  it('negative control: a dropped edge or dependency is caught', () => {
    const root = join(FIXTURES, 'virtual-globs');
    const manifests = manifestsBelow(root);
    const repository = loadCargoRepository(nodeFileSystem(root), manifests);
    const beta = repository.packages.find((pkg) => pkg.name === 'beta');
    assert.ok(beta);
    beta.dependencies = beta.dependencies.filter((dep) => dep.name !== 'alpha');
    const differences = compareFacts(cargoFacts(root, manifests).packages, modelFacts(repository));
    assert.ok(differences.includes('crates/beta/Cargo.toml: edges misses alpha'), differences.join('\n'));
  });
});

describe('workspace membership', () => {
  const root = join(FIXTURES, 'virtual-globs');
  const repository = loadCargoRepository(nodeFileSystem(root), manifestsBelow(root));
  const byName = new Map(repository.packages.map((pkg) => [pkg.name, pkg]));

  it('path dependencies inside the root join the workspace', () => {
    assert.equal(byName.get('inner')?.workspaceDir, '');
  });

  it('excluded packages stand alone, with or without their own [workspace]', () => {
    assert.equal(byName.get('excluded')?.workspaceDir, 'crates/excluded');
    assert.equal(byName.get('own-ws')?.workspaceDir, 'crates/own-ws');
  });

  it('lists members of the workspace, sorted', () => {
    const workspace = repository.workspaces.find((ws) => ws.dir === '');
    assert.deepEqual(workspace?.members, ['crates/alpha', 'crates/beta', 'inner', 'nested/a/b/leaf-two', 'nested/a/leaf-one', 'tools/cli']);
  });
});

describe('inheritance', () => {
  const root = join(FIXTURES, 'root-package');
  const repository = loadCargoRepository(nodeFileSystem(root), manifestsBelow(root));
  const core = repository.packages.find((pkg) => pkg.name === 'core-lib');

  it('fills inherited fields and rebases inherited paths', () => {
    assert.equal(core?.version, '1.2.3');
    assert.equal(core?.edition, '2021');
    assert.equal(core?.fields['license-file'], '../../LICENSE');
    assert.equal(core?.fields.readme, '../../README.md');
  });

  it('merges features and takes optional from the member for `workspace = true` deps', () => {
    const app = repository.packages.find((pkg) => pkg.name === 'app');
    const serde = app?.dependencies.find((dep) => dep.name === 'serde');
    assert.deepEqual(serde && { features: serde.features, optional: serde.optional, usesDefaultFeatures: serde.usesDefaultFeatures, req: serde.req }, {
      features: ['derive', 'std'],
      optional: true,
      usesDefaultFeatures: false,
      req: '^1.0.100',
    });
  });
});

describe('what a package takes from its workspace root', () => {
  const root = join(FIXTURES, 'root-package');
  const repository = loadCargoRepository(nodeFileSystem(root), manifestsBelow(root));

  it('lists the inherited fields and the [workspace.dependencies] key of each inherited dependency', () => {
    const core = repository.packages.find((pkg) => pkg.name === 'core-lib');
    assert.deepEqual(core?.inherits, { fields: ['edition', 'license-file', 'readme', 'version'], lints: false });
    const app = repository.packages.find((pkg) => pkg.name === 'app');
    const inherited = app?.dependencies.filter((dep) => dep.workspaceKey !== undefined).map((dep) => `${dep.kind} ${dep.workspaceKey}`);
    assert.deepEqual(inherited, ['normal serde', 'normal corelib', 'normal util', 'dev regex', 'build util']);
    assert.equal(app?.dependencies.find((dep) => dep.name === 'regex' && dep.kind === 'normal')?.workspaceKey, undefined);
  });

  it('keeps the root manifest as written, for what members do not inherit field by field', () => {
    const workspace = repository.workspaces.find((candidate) => candidate.dir === '');
    assert.equal(JSON.stringify(workspace?.toml.patch), JSON.stringify({ 'crates-io': { regex: { path: 'vendor/regex' } } }));
  });
});

describe('bad input', () => {
  const root = join(FIXTURES, 'bad');
  const repository = loadCargoRepository(nodeFileSystem(root), manifestsBelow(root));
  const messages = repository.errors.map((error) => error.message);

  it('keeps the good crates when one manifest is malformed', () => {
    assert.deepEqual(repository.packages.map((pkg) => pkg.name).sort(), ['dangling', 'good']);
  });

  it('names the file, line and problem of a malformed manifest', () => {
    const error = repository.errors.find((e) => e.file === 'crates/broken/Cargo.toml');
    assert.equal(error?.line, 4);
    assert.match(error?.message ?? '', /^crates\/broken\/Cargo\.toml:4:\d+: invalid TOML/);
  });

  it('reports a members glob that matches nothing', () => {
    assert.ok(messages.some((m) => m.startsWith('Cargo.toml: ') && m.includes('`missing/*` matches no folder')), messages.join('\n'));
  });

  it('reports a path dependency to a missing folder', () => {
    assert.ok(
      messages.some((m) => m.startsWith('crates/dangling/Cargo.toml: ') && m.includes('`crates/gone`, which has no Cargo.toml')),
      messages.join('\n'),
    );
  });
});
