import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCargoGraph } from './describe.js';
import type { InternalPluginOptions } from './options.js';
import { toCreateNodesResults } from './project-configuration.js';
import { memoryFs } from '@nx-cargo/cargo-workspace/testing';

const FILES = {
  'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nedition = "2021"\nlicense = "MIT"\n',
  'Cargo.lock': `version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["itoa", "shared", "testkit"]\n\n[[package]]\nname = "itoa"\nversion = "1.0.1"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${'a'.repeat(64)}"\n\n[[package]]\nname = "shared"\nversion = "0.1.0"\n\n[[package]]\nname = "testkit"\nversion = "0.1.0"\n`,
  'crates/app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nshared = { path = "../shared" }\nitoa = "1"\n\n[dev-dependencies]\ntestkit = { path = "../testkit" }\n',
  'crates/app/src/main.rs': 'fn main() {}\n',
  'crates/shared/Cargo.toml': '[package]\nname = "shared"\nversion = "0.1.0"\nedition.workspace = true\n',
  'crates/shared/src/lib.rs': '',
  'crates/testkit/Cargo.toml': '[package]\nname = "testkit"\nversion = "0.1.0"\nlicense.workspace = true\n',
  'crates/testkit/src/lib.rs': '',
};

const describe_ = (files: Record<string, string>, options?: InternalPluginOptions) =>
  describeCargoGraph(memoryFs(files), Object.keys(files).filter((file) => file.endsWith('Cargo.toml')).sort(), options);

function app(options?: InternalPluginOptions) {
  const results = toCreateNodesResults(describe_(FILES, options), undefined, options);
  const entry = results.find(([file]) => file === 'crates/app/Cargo.toml');
  return entry?.[1].projects?.['crates/app'] as { namedInputs: Record<string, unknown[]>; targets: Record<string, { inputs?: unknown[]; options?: Record<string, unknown>; configurations?: unknown; syncGenerators?: string[]; metadata?: Record<string, unknown> }> };
}

/** The external nodes and workspace files an input list names, through the project's profile named inputs (not `cargo`, which every target names). */
function named(inputs: unknown[] | undefined, namedInputs: Record<string, unknown[]> = {}) {
  const expanded = (inputs ?? []).flatMap((input) => (typeof input === 'string' && input.startsWith('cargo-profile-') ? namedInputs[input] : [input]));
  const externals = expanded.flatMap((input) => (typeof input === 'object' && input !== null && 'externalDependencies' in input ? (input.externalDependencies as string[]) : []));
  const files = expanded.filter((input): input is string => typeof input === 'string' && input.includes('.nx-cargo/'));
  return { externals, files };
}

describe('inferred targets and their workspace-level inputs', () => {
  it('the named input: the lock closure, and the parts of the crate and of the crates it builds against; not Cargo.toml or Cargo.lock whole', () => {
    const cargo = app().namedInputs.cargo;
    assert.deepEqual(named(cargo).externals, ['cargo:itoa@1.0.1', 'nx-cargo:crates/app/.nx-cargo-inputs.txt']);
    assert.equal(cargo.some((input) => typeof input === 'string' && /Cargo\.(toml|lock)$/.test(input)), false);
  });

  it("a crate's node covers the parts of the crates it builds against, not of those it only tests with", () => {
    const hashes = (files: Record<string, string>) => {
      const results = toCreateNodesResults(describe_(files), undefined, undefined);
      return Object.fromEntries(Object.entries(results[0][1].externalNodes ?? {}).map(([name, node]) => [name, node.data.hash]));
    };
    const before = hashes(FILES);
    const after = hashes({ ...FILES, 'Cargo.toml': FILES['Cargo.toml'].replace('"2021"', '"2018"') });
    const changed = Object.keys(after).filter((name) => after[name] !== before[name]).sort();
    assert.deepEqual(changed, ['nx-cargo:crates/app/.nx-cargo-inputs.txt', 'nx-cargo:crates/shared/.nx-cargo-inputs.txt']);
    // testkit, app's dev-dependency, takes the license: app's tests name testkit's node themselves.
    const license = hashes({ ...FILES, 'Cargo.toml': FILES['Cargo.toml'].replace('"MIT"', '"Apache-2.0"') });
    assert.deepEqual(Object.keys(license).filter((name) => license[name] !== before[name]), ['nx-cargo:crates/testkit/.nx-cargo-inputs.txt']);
    const profile = hashes({ ...FILES, 'Cargo.toml': `${FILES['Cargo.toml']}\n[profile.dev]\ndebug = 1\n` });
    assert.deepEqual(Object.keys(profile).filter((name) => profile[name] !== before[name]), ['nx-cargo:.nx-cargo/profile.dev.txt']);
  });

  it('each target names the profiles it builds with, tests add their dev-dependencies, release builds are targets', () => {
    const { targets, namedInputs } = app();
    const of = (target: string) => named(targets[target].inputs, namedInputs);
    assert.deepEqual(targets.build.inputs?.includes('cargo-profile-dev'), true);
    assert.deepEqual(of('build'), { externals: ['nx-cargo:.nx-cargo/profile.dev.txt'], files: ['{workspaceRoot}/.nx-cargo/profile.dev.txt'] });
    assert.deepEqual(of('check').externals, ['nx-cargo:.nx-cargo/profile.dev.txt']);
    assert.deepEqual(of('test').externals, ['nx-cargo:crates/testkit/.nx-cargo-inputs.txt', 'nx-cargo:.nx-cargo/profile.test.txt', 'nx-cargo:.nx-cargo/profile.dev.txt']);
    assert.deepEqual(of('build-release').externals, ['nx-cargo:.nx-cargo/profile.release.txt']);
    assert.deepEqual(targets['build-release'].options, { command: 'build', package: 'app', cwd: '.', release: true, target: '.', profileDir: 'release' });
    assert.deepEqual(of('test-release').externals, ['nx-cargo:crates/testkit/.nx-cargo-inputs.txt', 'nx-cargo:.nx-cargo/profile.bench.txt', 'nx-cargo:.nx-cargo/profile.release.txt']);
    assert.deepEqual(of('fmt').externals, []);
    // A configuration cannot have inputs of its own in Nx: only `run`, never cached, keeps one.
    assert.deepEqual(Object.keys(targets).filter((name) => targets[name].configurations !== undefined), ['run']);
    assert.equal(targets.build.syncGenerators, undefined, 'a task never waits for the inputs files: nx-cargo:sync is a global sync generator');
  });

  it('crates cargo would publish get nx-release-publish, after their local dependencies; others do not', () => {
    const files = {
      ...FILES,
      'crates/shared/Cargo.toml': FILES['crates/shared/Cargo.toml'].replace('version = "0.1.0"\n', 'version = "0.1.0"\npublish = false\n'),
      'crates/testkit/Cargo.toml': FILES['crates/testkit/Cargo.toml'].replace('version = "0.1.0"\n', ''),
    };
    const targets = Object.fromEntries(
      toCreateNodesResults(describe_(files), undefined, undefined).map(([, result]) => {
        const [project] = Object.values(result.projects ?? {});
        const target = project.targets?.['nx-release-publish'];
        return [project.name, target && { ...target, metadata: undefined }];
      }),
    );
    assert.deepEqual(targets, {
      app: { executor: 'nx-cargo:release-publish', cache: false, dependsOn: ['^nx-release-publish'], options: { package: 'app', cwd: '.' }, metadata: undefined },
      shared: undefined,
      testkit: undefined,
    });
  });

  it('testRunner nextest: test targets run nextest, read .config/nextest.toml and cache a JUnit report each; cargo test otherwise', () => {
    const { targets } = app({ testRunner: 'nextest' }) as unknown as { targets: Record<string, { inputs: unknown[]; options: Record<string, unknown>; outputs?: string[] }> };
    assert.deepEqual([targets.test.options.testRunner, targets.test.options.junitFile, targets['test-release'].options.junitFile], ['nextest', 'target/nextest/junit/app/test.xml', 'target/nextest/junit/app/test-release.xml']);
    assert.deepEqual(targets.test.outputs, ['{workspaceRoot}/target/nextest/junit/app/test.xml']);
    assert.ok(targets.test.inputs.includes('{workspaceRoot}/.config/nextest.toml'));
    assert.equal(targets.build.options.testRunner, undefined);
    const plain = app().targets;
    assert.equal(plain.test.options?.testRunner, undefined);
    assert.equal(plain.test.inputs?.some((input) => String(input).includes('nextest')), false);
  });

  it('testOnlyOmitInputs leaves out what it names, for negative controls', () => {
    const withoutManifest = app({ testOnlyOmitInputs: ['root-manifest'] });
    assert.deepEqual(named(withoutManifest.namedInputs.cargo).externals, ['cargo:itoa@1.0.1']);
    assert.deepEqual(named(withoutManifest.targets.test.inputs, withoutManifest.namedInputs), { externals: [], files: [] });
    const withoutLock = app({ testOnlyOmitInputs: ['lockfile-closure'] });
    assert.deepEqual(named(withoutLock.namedInputs.cargo).externals, ['nx-cargo:crates/app/.nx-cargo-inputs.txt']);
  });

  it('every target says what it does, with the command to get help, as official plugins do', () => {
    for (const [name, target] of Object.entries(app().targets)) {
      const metadata = target.metadata as { technologies: string[]; description: string; help: { command: string } };
      assert.deepEqual(metadata.technologies, ['cargo'], name);
      assert.ok(metadata.description.length > 20, name);
      assert.match(metadata.help.command, /^cargo \w+ --help$/, name);
    }
  });

  it('takes target names from the options', () => {
    const renamed = app({ buildTargetName: 'cargo-build', testTargetName: 'cargo-test', runTargetName: 'start' });
    assert.deepEqual(Object.keys(renamed.targets).sort(), ['build-release', 'cargo-build', 'cargo-test', 'check', 'clippy', 'doc', 'fmt', 'nx-release-publish', 'start', 'test-release']);
    assert.equal(renamed.targets['cargo-build'].options?.command, 'build');
  });

  it("narrows a crate's default to what its build reads: tests, benches and examples reach its own tests only", () => {
    const { namedInputs, targets } = app();
    assert.deepEqual(namedInputs.default, ['{projectRoot}/**/*', '!{projectRoot}/tests/**/*', '!{projectRoot}/benches/**/*', '!{projectRoot}/examples/**/*']);
    assert.deepEqual(namedInputs['cargo-files'], ['{projectRoot}/**/*']);
    // app's build reads shared's narrowed default; its tests also testkit's, its dev-dependency.
    assert.deepEqual(targets.build.inputs?.slice(0, 3), ['default', 'cargo', { input: 'default', projects: ['shared'] }]);
    assert.deepEqual(targets.test.inputs?.slice(0, 2), ['cargo-files', 'cargo']);
    // It starts from nx.json's own default, whatever that holds.
    const fromNxJson = toCreateNodesResults(describe_(FILES), ['{projectRoot}/**/*', 'sharedGlobals'], undefined).find(([file]) => file === 'crates/app/Cargo.toml');
    assert.deepEqual(fromNxJson?.[1].projects?.['crates/app'].namedInputs?.default?.slice(0, 3), ['{projectRoot}/**/*', 'sharedGlobals', '!{projectRoot}/tests/**/*']);
  });

  it("leaves default alone where another plugin's project shares the crate's folder", () => {
    const files = { ...FILES, 'crates/app/package.json': '{"name":"app-js"}' };
    const graph = describeCargoGraph(memoryFs(files), Object.keys(files).filter((file) => /(Cargo\.toml|package\.json)$/.test(file)).sort(), undefined);
    const app = toCreateNodesResults(graph, undefined, undefined).find(([file]) => file === 'crates/app/Cargo.toml');
    assert.equal(app?.[1].projects?.['crates/app'].namedInputs?.default, undefined);
  });
});

describe('a broken Cargo.lock', () => {
  it('is a warning naming the file, and the crates are still projects, their lock line saying it was not read', () => {
    const graph = describe_({ ...FILES, 'Cargo.lock': FILES['Cargo.lock'].replace('dependencies = ["itoa", "shared", "testkit"]', 'dependencies = ["ghost"]') });
    assert.deepEqual(graph.crates.map((crate) => crate.projectName).sort(), ['app', 'shared', 'testkit']);
    assert.ok(graph.warnings.some((warning) => /^Cargo\.lock: .*"ghost", which matches no package/.test(warning)), graph.warnings.join('\n'));
    assert.match(graph.inputsFiles?.find((file) => file.path === 'crates/app/.nx-cargo-inputs.txt')?.text ?? '', /^Cargo\.lock: not read$/m);
  });
});
