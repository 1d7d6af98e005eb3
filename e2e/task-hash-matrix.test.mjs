// Which task hashes a change alters, with real nx on a workspace with external
// crates from crates.io: one change at a time, the set of tasks (build, test,
// build-release, test-release of every crate) whose Nx hash changed must
// equal the set computed here from cargo's own view (`cargo metadata`, the
// manifests, the two lockfiles, cargo's documented profile selection), never
// from the plugin's model. Hashes come from Nx's own hasher without running a
// task (tools/support/task-hashes.mjs), before `nx sync` rewrites the inputs
// files: a hash never waits for a committed file to be fresh.
//
// A negative control runs the same matrix with an input left out through the
// plugin's test-only `testOnlyOmitInputs` option, and requires the assertion
// to fail on exactly the changes that input carries.
//
// Then each change that is a file change is committed on a branch after
// `nx sync`: the hashes still match, plain `nx affected` selects a superset of
// the changed tasks, and nx-cargo-affected exactly them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { taskHashes } from '../tools/support/task-hashes.mjs';
import { cargoMetadata, changedLockPackages, membersReaching, packageKey, withChecksum } from './support/cargo-lock.mjs';

const FIXTURE = 'e2e/fixtures/task-hash-matrix';
const TARGETS = ['build', 'test', 'build-release', 'test-release'];
/** The profiles each target builds with: cargo's profile selection (`test` inherits `dev`, `bench` inherits `release`). */
const PROFILES = { build: ['dev'], test: ['test', 'dev'], 'build-release': ['release'], 'test-release': ['bench', 'release'] };
const ITOA_CHECKSUM = '1aab8fc367588b89dcee83ab0fd66b72b50b72fa1904d7095045ace2b0c81c35';
const REGEX_SYNTAX_CHECKSUM = 'a3f87b73ce11b1619a3c6332f45341e0047173771e8b8b73f87bfeefb7b56244';

/** What cargo says about the workspace: its members, their local dependencies by kind, their manifests, the resolve graph and the lockfile. */
function cargoFacts(root) {
  const metadata = cargoMetadata(root);
  const byId = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  const members = metadata.workspace_members.map((id) => byId.get(id));
  const byDir = new Map(members.map((pkg) => [dirname(pkg.manifest_path), pkg.name]));
  return {
    metadata,
    crates: members.map((pkg) => pkg.name).sort(),
    localDeps: new Map(members.map((pkg) => [pkg.name, pkg.dependencies.filter((dep) => byDir.has(dep.path)).map((dep) => ({ name: byDir.get(dep.path), kind: dep.kind ?? 'normal' }))])),
    manifests: new Map(members.map((pkg) => [pkg.name, parse(readFileSync(pkg.manifest_path, 'utf8'))])),
    lock: readFileSync(join(root, 'Cargo.lock'), 'utf8'),
  };
}

const tasksOf = (crates, targets = TARGETS) => crates.flatMap((crate) => targets.map((target) => `${crate}:${target}`)).sort();

/** The local crates a task of `crate` compiles: its normal and build dependencies, transitively; tests add its dev-dependencies and theirs. */
function compiledBy(facts, crate, target) {
  const buildClosure = (name, into) => {
    for (const dep of facts.localDeps.get(name)) {
      if (dep.kind === 'dev' || into.has(dep.name)) continue;
      into.add(dep.name);
      buildClosure(dep.name, into);
    }
    return into;
  };
  const compiled = buildClosure(crate, new Set([crate]));
  if (target.startsWith('test')) {
    for (const dep of facts.localDeps.get(crate)) if (dep.kind === 'dev') buildClosure(dep.name, compiled.add(dep.name));
  }
  return compiled;
}

/** Tasks that compile one of `crates`: what a change to their sources or manifests reaches. */
const compiling = (facts, crates) => tasksOf(facts.crates).filter((task) => {
  const [crate, target] = task.split(':');
  return [...compiledBy(facts, crate, target)].some((name) => crates.includes(name));
});

/**
 * The crate's own test tasks: files under tests/, benches/ and examples/ are
 * cargo's test, bench and example targets, which `cargo test` builds (benches
 * when asked) and nothing else does, in this crate or any other.
 */
const ownTests = (crates) => tasksOf(crates, TARGETS.filter((target) => target.startsWith('test')));

/** Tasks that build with `profile`. */
const withProfile = (facts, profile) => tasksOf(facts.crates, TARGETS.filter((target) => PROFILES[target].includes(profile)));

/** Crates whose own manifest inherits from the root: a `[workspace.package]` field, or a `[workspace.dependencies]` key. */
function inheriting(facts, { field, dependency }) {
  return facts.crates.filter((crate) => {
    const manifest = facts.manifests.get(crate);
    if (field) return manifest.package[field]?.workspace === true;
    return ['dependencies', 'dev-dependencies', 'build-dependencies'].some((section) => manifest[section]?.[dependency]?.workspace === true);
  });
}

/** Tasks of the crates whose resolve graph reaches a package changed between two lockfiles. */
function reachingLockChange(facts, before, after) {
  const changed = changedLockPackages(before, after);
  assert.ok(changed.size > 0, 'the change must change a lock entry');
  return tasksOf(membersReaching(facts.metadata, (pkg) => changed.has(packageKey(pkg))));
}

const editFile = (path, edit) => (ws) => ws.write(path, edit(ws.read(path)));

/**
 * The changes. `apply` edits the workspace (undone with git), or `env` and
 * `overrides` change the run instead of a file; `expected` is the set of
 * tasks whose hash must change, from cargo's facts. `carries` names the input
 * the negative control leaves out to make the row fail.
 */
const CHANGES = [
  { name: 'a README edit', apply: editFile('README.md', (text) => `${text}\nMore words.\n`), expected: () => [] },
  { name: 'a source edit in shared', apply: editFile('crates/shared/src/lib.rs', (text) => `${text}\npub const MORE: u8 = 1;\n`), expected: (facts) => compiling(facts, ['shared']) },
  { name: 'a test in shared/tests', apply: editFile('crates/shared/tests/digits.rs', (text) => `${text}\n#[test]\nfn more() {}\n`), expected: () => ownTests(['shared']) },
  { name: 'a bench in shared/benches', apply: editFile('crates/shared/benches/digits.rs', (text) => `${text}\n// faster\n`), expected: () => ownTests(['shared']) },
  { name: 'an example in shared/examples', apply: editFile('crates/shared/examples/show.rs', (text) => `${text}\n// shown\n`), expected: () => ownTests(['shared']) },
  { name: "the README shared's library reads with include_str!", apply: editFile('crates/shared/README.md', (text) => `${text}More words.\n`), expected: (facts) => compiling(facts, ['shared']) },
  { name: 'an edit in tool, which app does not use', apply: editFile('crates/tool/src/lib.rs', (text) => `${text}\npub const MORE: u8 = 1;\n`), expected: (facts) => compiling(facts, ['tool']) },
  { name: "a source edit in testkit, app's dev-dependency", apply: editFile('crates/testkit/src/lib.rs', (text) => `${text}\npub const MORE: u8 = 1;\n`), expected: (facts) => compiling(facts, ['testkit']) },
  {
    name: 'a lock bump of itoa, in the closure of shared and app',
    apply: editFile('Cargo.lock', (text) => withChecksum(text, ITOA_CHECKSUM)),
    expected: (facts) => reachingLockChange(facts, facts.lock, withChecksum(facts.lock, ITOA_CHECKSUM)),
    carries: 'lockfile-closure',
  },
  {
    name: 'a lock bump of regex-syntax, outside the closure of app and shared',
    apply: editFile('Cargo.lock', (text) => withChecksum(text, REGEX_SYNTAX_CHECKSUM)),
    expected: (facts) => reachingLockChange(facts, facts.lock, withChecksum(facts.lock, REGEX_SYNTAX_CHECKSUM)),
    carries: 'lockfile-closure',
  },
  {
    name: 'a [workspace.dependencies] version change (itoa, which the lock still satisfies)',
    apply: editFile('Cargo.toml', (text) => text.replace('itoa = "1.0.1"', 'itoa = "1.0"')),
    expected: (facts) => compiling(facts, inheriting(facts, { dependency: 'itoa' })),
    carries: 'root-manifest',
  },
  {
    name: 'a [workspace.package] edition change (tool sets its own)',
    apply: editFile('Cargo.toml', (text) => text.replace('edition = "2021"', 'edition = "2018"')),
    expected: (facts) => compiling(facts, inheriting(facts, { field: 'edition' })),
    carries: 'root-manifest',
  },
  { name: 'a [workspace.package] field no crate inherits', apply: editFile('Cargo.toml', (text) => text.replace('license = "MIT"', 'license = "Apache-2.0"')), expected: () => [] },
  { name: 'a comment in the root Cargo.toml', apply: editFile('Cargo.toml', (text) => `# Reviewed.\n${text.replace('resolver = "2"', 'resolver = "2" # pinned')}`), expected: () => [] },
  { name: 'a [profile.dev] change', apply: editFile('Cargo.toml', (text) => text.replace('debug = 1', 'debug = 2')), expected: (facts) => withProfile(facts, 'dev'), carries: 'root-manifest' },
  {
    name: 'a [profile.release] change (a hit for dev builds and tests)',
    apply: editFile('Cargo.toml', (text) => text.replace('codegen-units = 4', 'codegen-units = 8')),
    expected: (facts) => withProfile(facts, 'release'),
    carries: 'root-manifest',
  },
  {
    name: '.cargo/config.toml rustflags',
    apply: (ws) => ws.write('.cargo/config.toml', '[build]\nrustflags = ["-Cdebug-assertions=off"]\n'),
    expected: (facts) => tasksOf(facts.crates),
  },
  { name: 'RUSTFLAGS', env: { RUSTFLAGS: '-Copt-level=1' }, expected: (facts) => tasksOf(facts.crates) },
  { name: 'a toolchain file', apply: (ws) => ws.write('rust-toolchain.toml', '[toolchain]\nchannel = "stable"\n'), expected: (facts) => tasksOf(facts.crates) },
  { name: 'a feature passed to app:build (--features=extra)', overrides: { project: 'app', target: 'build', overrides: { features: 'extra' } }, expected: () => ['app:build'] },
];

/** `{ task: hash }` for every task of TARGETS, with a row's environment and overrides. */
function hashes(ws, change = {}) {
  const all = taskHashes(ws, { targets: TARGETS, env: change.env });
  if (!change.overrides) return all;
  const { project, target, overrides } = change.overrides;
  return { ...all, ...taskHashes(ws, { targets: [target], projects: [project], overrides, env: change.env }) };
}

const changedTasks = (base, now) => {
  assert.deepEqual(Object.keys(now).sort(), Object.keys(base).sort());
  return Object.keys(now).filter((task) => now[task] !== base[task]).sort();
};

/** Puts the checked-out commit back, leaving ignored files (node_modules, .nx) alone. */
const undo = (ws) => {
  ws.git('checkout', '--quiet', '--', '.');
  ws.git('clean', '--quiet', '-fd');
};

/** The matrix under the checked-out commit: per change, the tasks whose hash changed (files not synced), next to the expected ones. */
function runMatrix(ws, facts) {
  const base = hashes(ws);
  assert.equal(Object.keys(base).length, facts.crates.length * TARGETS.length);
  return CHANGES.map((change) => {
    change.apply?.(ws);
    try {
      return { change, expected: change.expected(facts), actual: changedTasks(base, hashes(ws, change)) };
    } finally {
      undo(ws);
    }
  });
}

/** Names of the rows whose hashes did not change as expected. */
const failingRows = (results) => results.filter(({ expected, actual }) => JSON.stringify(expected) !== JSON.stringify(actual)).map(({ change }) => change.name);

function assertMatrix(results) {
  for (const { change, expected, actual } of results) assert.deepEqual(actual, expected, `tasks whose hash changed with ${change.name}`);
}

const print = (title, results) =>
  console.log(`${title}\n${results.map(({ change, expected, actual }) => `  ${change.name}: expected [${expected.join(' ')}], changed [${actual.join(' ')}]`).join('\n')}`);

describe('task hashes, change by change', () => {
  let ws;
  let facts;
  let matrix;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom(FIXTURE);
    ws.nxOk(['sync']);
    ws.git('init', '--quiet', '--initial-branch=main');
    ws.git('add', '-A');
    ws.git('commit', '--quiet', '-m', 'base, inputs files synced');
    facts = cargoFacts(ws.root);
  });
  after(() => ws.dispose());

  it('the fixture is what the rows assume', () => {
    assert.deepEqual(facts.crates, ['app', 'shared', 'testkit', 'tool']);
    assert.deepEqual(inheriting(facts, { dependency: 'itoa' }), ['shared']);
    assert.deepEqual(inheriting(facts, { field: 'edition' }), ['app', 'shared', 'testkit']);
    assert.deepEqual(membersReaching(facts.metadata, (pkg) => pkg.name === 'itoa'), ['app', 'shared']);
    assert.deepEqual(membersReaching(facts.metadata, (pkg) => pkg.name === 'regex-syntax'), ['tool']);
  });

  it('changes the hash of exactly the tasks each change reaches', () => {
    matrix = runMatrix(ws, facts);
    print('task-hash matrix (hashes before nx sync):', matrix);
    assertMatrix(matrix);
  });

  for (const omitted of ['root-manifest', 'lockfile-closure']) {
    it(`negative control: without the ${omitted} input, the same assertion fails on the changes it carries`, () => {
      ws.git('checkout', '--quiet', '-b', `control-${omitted}`, 'main');
      try {
        ws.write('nx.json', JSON.stringify({ plugins: [{ plugin: 'nx-cargo', options: { testOnlyOmitInputs: [omitted] } }], sync: { globalGenerators: ['nx-cargo:sync'] } }, null, 2));
        ws.git('commit', '--quiet', '-am', `control: ${omitted} left out`);
        const results = runMatrix(ws, facts);
        print(`negative control, ${omitted} left out:`, results.filter(({ change }) => change.carries === omitted));
        assert.throws(() => assertMatrix(results), assert.AssertionError);
        assert.deepEqual(failingRows(results), CHANGES.filter((change) => change.carries === omitted).map((change) => change.name));
      } finally {
        ws.git('checkout', '--quiet', 'main');
      }
    });
  }

  it('committed after nx sync: the hashes agree, plain nx affected selects a superset, nx-cargo-affected exactly them', () => {
    const base = hashes(ws);
    let output = '';
    const affectedTasks = (command) => {
      const result = spawnSync(command[0], [...command.slice(1), `-t=${TARGETS.join(',')}`, '--graph=affected.json'], { cwd: ws.root, env: ws.nxEnv(), encoding: 'utf8' });
      output = `${command.join(' ')}\n${result.stdout}${result.stderr}`;
      assert.equal(result.status, 0, output);
      // The helper runs nothing, and writes no graph, when no changed file reaches a project.
      if (/no changed file reaches any project/.test(result.stdout)) return [];
      const tasks = Object.keys(JSON.parse(ws.read('affected.json')).tasks.tasks).sort();
      rmSync(join(ws.root, 'affected.json'));
      return tasks;
    };
    const lines = [];
    for (const change of CHANGES.filter((row) => row.apply)) {
      const expected = change.expected(facts);
      ws.git('checkout', '--quiet', '-b', `change-${CHANGES.indexOf(change)}`, 'main');
      try {
        change.apply(ws);
        ws.nxOk(['sync']);
        ws.git('add', '-A');
        ws.git('commit', '--quiet', '-m', change.name);
        assert.deepEqual(changedTasks(base, hashes(ws)), expected, `hashes after nx sync, ${change.name}`);
        const plain = affectedTasks([process.execPath, ws.packages.nxBin, 'affected', '--base=main']);
        const precise = affectedTasks([process.execPath, ws.bin('nx-cargo-affected'), '--base', 'main']);
        lines.push(`  ${change.name}: changed ${expected.length}, plain nx affected ${plain.length}, nx-cargo-affected ${precise.length}`);
        assert.deepEqual(expected.filter((task) => !plain.includes(task)), [], `plain nx affected misses tasks of ${change.name}`);
        assert.deepEqual(precise, expected, `nx-cargo-affected, ${change.name}\n${output}`);
      } finally {
        ws.git('checkout', '--quiet', '--force', 'main');
        ws.git('clean', '--quiet', '-fd');
      }
    }
    console.log(`committed changes (after nx sync), tasks:\n${lines.join('\n')}`);
  });
});
