import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirEntry, FileSystem } from '@nx-cargo/cargo-workspace';
import { describeCargoGraph, toCreateNodesResults } from './cargo-graph.js';
import type { NxCargoPluginOptions } from './options.js';

function memoryFs(files: Record<string, string>): FileSystem {
  return {
    readFile: (path) => files[path],
    readDir(path) {
      const entries = new Map<string, DirEntry>();
      const prefix = path === '' ? '' : `${path}/`;
      for (const file of Object.keys(files)) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split('/');
        entries.set(name, { name, isDirectory: rest.length > 0 });
      }
      return [...entries.values()];
    },
  };
}

const FILES = {
  'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
  'Cargo.lock': `version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["itoa", "shared", "testkit"]\n\n[[package]]\nname = "itoa"\nversion = "1.0.1"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${'a'.repeat(64)}"\n\n[[package]]\nname = "shared"\nversion = "0.1.0"\n\n[[package]]\nname = "testkit"\nversion = "0.1.0"\n`,
  'crates/app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nshared = { path = "../shared" }\nitoa = "1"\n\n[dev-dependencies]\ntestkit = { path = "../testkit" }\n',
  'crates/app/src/main.rs': 'fn main() {}\n',
  'crates/shared/Cargo.toml': '[package]\nname = "shared"\nversion = "0.1.0"\n',
  'crates/shared/src/lib.rs': '',
  'crates/testkit/Cargo.toml': '[package]\nname = "testkit"\nversion = "0.1.0"\n',
  'crates/testkit/src/lib.rs': '',
};

function app(options?: NxCargoPluginOptions) {
  const configFiles = Object.keys(FILES).filter((file) => file.endsWith('Cargo.toml')).sort();
  const results = toCreateNodesResults(describeCargoGraph(memoryFs(FILES), configFiles, options), options);
  const entry = results.find(([file]) => file === 'crates/app/Cargo.toml');
  return entry?.[1].projects?.['crates/app'] as { namedInputs: Record<string, unknown[]>; targets: Record<string, { inputs?: unknown[]; options?: Record<string, unknown>; configurations?: unknown; syncGenerators?: string[] }> };
}

/** The external nodes and workspace files an input list names. */
function named(inputs: unknown[] | undefined) {
  const externals = (inputs ?? []).flatMap((input) => (typeof input === 'object' && input !== null && 'externalDependencies' in input ? (input.externalDependencies as string[]) : []));
  const files = (inputs ?? []).filter((input): input is string => typeof input === 'string' && input.includes('.nx-cargo/'));
  return { externals, files };
}

describe('inferred targets and their workspace-level inputs', () => {
  it('the named input: the lock closure, and the parts of the crate and of the crates it builds against; not Cargo.toml or Cargo.lock whole', () => {
    const cargo = app().namedInputs.cargo;
    assert.deepEqual(named(cargo).externals, ['cargo:itoa@1.0.1', 'nx-cargo:crates/app/.nx-cargo-inputs.txt', 'nx-cargo:crates/shared/.nx-cargo-inputs.txt']);
    assert.equal(cargo.some((input) => typeof input === 'string' && /Cargo\.(toml|lock)$/.test(input)), false);
  });

  it('each target names the profiles it builds with, tests add their dev-dependencies, release builds are targets', () => {
    const { targets } = app();
    assert.deepEqual(named(targets.build.inputs), { externals: ['nx-cargo:.nx-cargo/profile.dev.txt'], files: ['{workspaceRoot}/.nx-cargo/profile.dev.txt'] });
    assert.deepEqual(named(targets.check.inputs).externals, ['nx-cargo:.nx-cargo/profile.dev.txt']);
    assert.deepEqual(named(targets.test.inputs).externals, ['nx-cargo:crates/testkit/.nx-cargo-inputs.txt', 'nx-cargo:.nx-cargo/profile.test.txt', 'nx-cargo:.nx-cargo/profile.dev.txt']);
    assert.deepEqual(named(targets['build-release'].inputs).externals, ['nx-cargo:.nx-cargo/profile.release.txt']);
    assert.deepEqual(targets['build-release'].options, { command: 'build', package: 'app', cwd: '.', release: true, profileDir: 'release' });
    assert.deepEqual(named(targets['test-release'].inputs).externals, ['nx-cargo:crates/testkit/.nx-cargo-inputs.txt', 'nx-cargo:.nx-cargo/profile.bench.txt', 'nx-cargo:.nx-cargo/profile.release.txt']);
    assert.deepEqual(named(targets.fmt.inputs).externals, []);
    // A configuration cannot have inputs of its own in Nx: only `run`, never cached, keeps one.
    assert.deepEqual(Object.keys(targets).filter((name) => targets[name].configurations !== undefined), ['run']);
    assert.deepEqual(targets.build.syncGenerators, ['nx-cargo:sync']);
  });

  it('testOnlyOmitInputs leaves out what it names, for negative controls', () => {
    const withoutManifest = app({ testOnlyOmitInputs: ['root-manifest'] });
    assert.deepEqual(named(withoutManifest.namedInputs.cargo).externals, ['cargo:itoa@1.0.1']);
    assert.deepEqual(named(withoutManifest.targets.test.inputs), { externals: [], files: [] });
    const withoutLock = app({ testOnlyOmitInputs: ['lockfile-closure'] });
    assert.deepEqual(named(withoutLock.namedInputs.cargo).externals, ['nx-cargo:crates/app/.nx-cargo-inputs.txt', 'nx-cargo:crates/shared/.nx-cargo-inputs.txt']);
  });
});
