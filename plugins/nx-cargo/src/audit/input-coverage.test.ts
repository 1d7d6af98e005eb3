import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFileDeclared, projectOwning, resolveTaskInputs, type InputModel, type NxInput } from './input-coverage.js';

/** The plugin's named input for a crate at the Cargo workspace root, with `declared` appended. */
const cargo = (declared: NxInput[] = []): NxInput[] => [
  'default',
  '{workspaceRoot}/Cargo.toml',
  '{workspaceRoot}/Cargo.lock',
  '{workspaceRoot}/.cargo/config.toml',
  { runtime: 'rustc -vV' },
  { env: 'RUSTFLAGS' },
  { externalDependencies: [] },
  ...declared,
];

const model = (declared: NxInput[] = [], buildInputs: NxInput[] = ['cargo', '^default']): InputModel => ({
  projects: {
    app: { root: 'crates/app', namedInputs: { cargo: cargo(declared) }, targets: { build: { inputs: buildInputs }, lint: {} } },
    util: { root: 'crates/util', namedInputs: { cargo: cargo() }, targets: { build: { inputs: ['cargo'] } } },
    words: { root: 'crates/util/words', namedInputs: { cargo: cargo() } },
    testkit: { root: 'crates/testkit' },
    site: { root: '.' },
  },
  dependencies: { app: ['util', 'cargo:serde@1.0.152'], util: ['words'], words: [], testkit: [], site: [] },
});

describe('resolveTaskInputs and isFileDeclared', () => {
  it('covers the crate\'s own files, workspace files it names, and its dependencies\' files through ^default, transitively', () => {
    const m = model();
    const inputs = resolveTaskInputs(m, 'app', 'build');
    const declared = (file: string) => isFileDeclared(m, inputs, file);
    assert.equal(declared('crates/app/src/main.rs'), true);
    assert.equal(declared('crates/app/.hidden/x.txt'), true);
    assert.equal(declared('Cargo.toml'), true);
    assert.equal(declared('crates/util/src/lib.rs'), true);
    assert.equal(declared('crates/util/words/src/lib.rs'), true);
    assert.equal(declared('shared/data.txt'), false);
    assert.equal(declared('crates/testkit/src/lib.rs'), false);
    assert.deepEqual([...inputs.env], ['RUSTFLAGS']);
    assert.deepEqual([...inputs.runtime], ['rustc -vV']);
  });

  it('negative control: util:build names no dependency, so words\' files stay out; the root project owns none of the crates\' files', () => {
    const m = model();
    const util = resolveTaskInputs(m, 'util', 'build');
    assert.equal(isFileDeclared(m, util, 'crates/util/src/lib.rs'), true);
    // words is nested in util's folder but is its own project: {projectRoot}/**/* of util does not take its files.
    assert.equal(isFileDeclared(m, util, 'crates/util/words/src/lib.rs'), false);
    const site = resolveTaskInputs(m, 'site', 'build');
    assert.equal(isFileDeclared(m, site, 'index.html'), true);
    assert.equal(isFileDeclared(m, site, 'crates/app/src/main.rs'), false);
  });

  it('takes declared files and variables appended to the named input', () => {
    const m = model(['{workspaceRoot}/shared/data.txt', { env: 'APP_MODE' }]);
    const inputs = resolveTaskInputs(m, 'app', 'build');
    assert.equal(isFileDeclared(m, inputs, 'shared/data.txt'), true);
    assert.equal(isFileDeclared(m, inputs, 'shared/other.txt'), false);
    assert.deepEqual([...inputs.env].sort(), ['APP_MODE', 'RUSTFLAGS']);
  });

  it('applies negated patterns of the same project', () => {
    const m = model(['!{projectRoot}/*.node', '{workspaceRoot}/shared/**/*', '!{workspaceRoot}/shared/tmp/**']);
    const inputs = resolveTaskInputs(m, 'app', 'build');
    assert.equal(isFileDeclared(m, inputs, 'crates/app/index.node'), false);
    assert.equal(isFileDeclared(m, inputs, 'crates/app/src/index.node'), true);
    assert.equal(isFileDeclared(m, inputs, 'shared/a/b.txt'), true);
    assert.equal(isFileDeclared(m, inputs, 'shared/tmp/b.txt'), false);
  });

  it('follows { input, projects } to the listed projects only', () => {
    const m = model([], ['cargo', { input: 'default', projects: ['testkit'] }]);
    const inputs = resolveTaskInputs(m, 'app', 'build');
    assert.equal(isFileDeclared(m, inputs, 'crates/testkit/src/lib.rs'), true);
    assert.equal(isFileDeclared(m, inputs, 'crates/util/src/lib.rs'), false);
  });

  it('uses Nx\'s defaults for a target without inputs, and nx.json\'s named inputs under the project\'s', () => {
    const m = model();
    const lint = resolveTaskInputs(m, 'app', 'lint');
    assert.equal(isFileDeclared(m, lint, 'crates/util/src/lib.rs'), true);
    m.nxNamedInputs = { default: ['{projectRoot}/src/**/*', 'sharedGlobals'], sharedGlobals: ['{workspaceRoot}/rust-toolchain.toml'] };
    const narrowed = resolveTaskInputs(m, 'app', 'lint');
    assert.equal(isFileDeclared(m, narrowed, 'crates/app/Cargo.toml'), false);
    assert.equal(isFileDeclared(m, narrowed, 'crates/app/src/main.rs'), true);
    assert.equal(isFileDeclared(m, narrowed, 'rust-toolchain.toml'), true);
    assert.equal(isFileDeclared(m, narrowed, 'crates/util/src/lib.rs'), true);
    assert.equal(isFileDeclared(m, narrowed, 'crates/util/Cargo.toml'), false);
  });

  it('projectOwning: the deepest project root that holds the file', () => {
    const m = model();
    assert.equal(projectOwning(m, 'crates/util/words/src/lib.rs'), 'words');
    assert.equal(projectOwning(m, 'crates/util/src/lib.rs'), 'util');
    assert.equal(projectOwning(m, 'crates/utility/x'), 'site');
  });
});
