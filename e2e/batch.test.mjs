// Batch mode under real nx: per-task results, the cache, feature
// unification, Ctrl-C, and non-batch parallel runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { generateRepo } from '../tools/generate/cargo-workspace.mjs';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';

/** Task ids Nx lists as failed at the end of a run (from the folded output). */
function failedTasks(output) {
  const section = output.split('Failed tasks:')[1] ?? '';
  return [...section.matchAll(/ - (\S+:\S+)/g)].map((match) => match[1]).sort();
}

describe('batch run-many on a generated workspace', () => {
  let ws;
  let summary;
  before(() => {
    ws = new NxWorkspace();
    summary = generateRepo(join(ws.root, 'rust'), { crates: 12, seed: 3, variety: false, externalDeps: false });
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: join(ws.root, 'rust') });
  });
  after(() => ws.dispose());

  const crates = () => summary.packages.map((pkg) => pkg.name);
  const byName = (name) => summary.packages.find((pkg) => pkg.name === name);
  /** Every package that depends on `name`, directly or not. */
  const dependentsOf = (name) => {
    const found = new Set();
    const visit = (target) => {
      for (const pkg of summary.packages) {
        if (pkg.dependencies.some((dep) => dep.name === target) && !found.has(pkg.name)) {
          found.add(pkg.name);
          visit(pkg.name);
        }
      }
    };
    visit(name);
    return found;
  };

  it('builds and tests everything in batch mode', () => {
    const run = ws.nxOk(['run-many', '-t', 'build,test', '--output-style=static']);
    assert.match(run.output, /Running \d+ tasks with nx-cargo:cargo/);
    assert.match(run.output, new RegExp(`Successfully ran targets build, test for ${crates().length} projects`));
  });

  it('fails exactly the broken crate, the crate with a failing test, and their dependents', () => {
    // The crate with the fewest dependents gets a compile error; a crate outside its reach with no dependents gets a failing test.
    const [broken] = summary.packages.filter((pkg) => dependentsOf(pkg.name).size > 0).sort((a, b) => dependentsOf(a.name).size - dependentsOf(b.name).size);
    const downstream = [broken.name, ...dependentsOf(broken.name)];
    const failing = summary.packages.find((pkg) => dependentsOf(pkg.name).size === 0 && !downstream.includes(pkg.name));
    assert.ok(failing, 'the generated workspace has a crate outside the broken one\'s reach');
    const edits = [
      [`rust/${broken.dir}/src/lib.rs`, '\npub fn broken() -> u8 { "no" }\n'],
      [`rust/${failing.dir}/src/lib.rs`, '\n#[test]\nfn fails() { assert_eq!(1, 2); }\n'],
    ];
    const originals = edits.map(([file]) => ws.read(file));
    try {
      edits.forEach(([file, text], index) => ws.write(file, `${originals[index]}${text}`));
      const run = ws.nx(['run-many', '-t', 'build,test', '--output-style=static']);
      assert.notEqual(run.status, 0);
      const expected = [...downstream.flatMap((name) => [`${name}:build`, `${name}:test`]), `${failing.name}:test`];
      assert.deepEqual(failedTasks(run.output), [...new Set(expected)].sort());
      const dependent = [...dependentsOf(broken.name)][0];
      assert.match(run.output, new RegExp(`nx-cargo: build ${dependent} FAILED \\(.* not built: ${broken.name} failed to compile\\)`));
    } finally {
      edits.forEach(([file], index) => ws.write(file, originals[index]));
    }
  });

  it('serves a rerun from the Nx cache and restores the binaries', () => {
    ws.write('rust/crates/tool-bin/Cargo.toml', '[package]\nname = "tool-bin"\nversion = "0.1.0"\nedition = "2021"\n');
    ws.write('rust/crates/tool-bin/src/main.rs', 'fn main() { println!("tool"); }\n');
    // A new member changes Cargo.lock; commit-ready lockfile first, as a user would.
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: join(ws.root, 'rust') });
    ws.nxOk(['run-many', '-t', 'build,test']);
    rmSync(join(ws.root, 'rust/target'), { recursive: true });
    const rerun = ws.nxOk(['run-many', '-t', 'build,test']);
    const total = (crates().length + 1) * 2;
    assert.match(rerun.output, new RegExp(`Nx read the output from the cache instead of running the command for ${total} out of ${total} tasks`));
    assert.ok(existsSync(join(ws.root, 'rust/target/debug/tool-bin')));
  });

  it('runs in parallel without batching, without deadlocking on cargo\'s lock', () => {
    rmSync(join(ws.root, 'rust/target'), { recursive: true });
    const run = ws.nxOk(['run-many', '-t', 'build', '--batch=false', '--parallel=3', '--skip-nx-cache', '--output-style=static']);
    assert.doesNotMatch(run.output, /Running \d+ tasks with nx-cargo:cargo/);
    assert.match(run.output, /Successfully ran target build/);
  });
});

describe('a rustdoc error in a batch', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
    ws.write('crates/words/src/lib.rs', '#![deny(rustdoc::broken_intra_doc_links)]\n/// See [Missing].\npub const HELLO: &str = "Hello";\n');
  });
  after(() => ws.dispose());

  it('fails the crate whose docs fail, not its dependents, and not before rustdoc ran', () => {
    const run = ws.nx(['run-many', '-t', 'doc', '--output-style=static']);
    assert.notEqual(run.status, 0);
    assert.deepEqual(failedTasks(run.output), ['words:doc']);
    assert.match(run.output, /nx-cargo: doc words FAILED \(1 error\)/);
  });
});

describe('a batch never changes what a task builds', () => {
  const binaries = (ws) =>
    Object.fromEntries(['uses-alpha', 'uses-beta'].map((name) => [name, execFileSync(join(ws.root, 'target/debug', name), { encoding: 'utf8' }).trim()]));
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('features');
  });
  after(() => ws.dispose());

  it('gives the same binaries alone and in a batch', () => {
    const alone = {};
    for (const name of ['uses-alpha', 'uses-beta']) {
      ws.nxOk(['build', name, '--skip-nx-cache']);
      alone[name] = execFileSync(join(ws.root, 'target/debug', name), { encoding: 'utf8' }).trim();
    }
    assert.deepEqual(alone, { 'uses-alpha': 'alpha', 'uses-beta': 'beta' });
    ws.nxOk(['run-many', '-t', 'build', '--skip-nx-cache']);
    assert.deepEqual(binaries(ws), alone);
  });

  it('negative control: without the feature check the batch changes them', () => {
    ws.nxOk(['run-many', '-t', 'build', '--skip-nx-cache'], { NX_CARGO_UNSAFE_SHARED_FEATURES: 'true' });
    assert.deepEqual(binaries(ws), { 'uses-alpha': 'alpha+beta', 'uses-beta': 'alpha+beta' });
  });
});

describe('Ctrl-C', () => {
  let ws;
  before(() => {
    ws = NxWorkspace.fromFixture('basic');
    // A build script that takes long enough to be interrupted, and says when it started.
    ws.write('crates/words/build.rs', 'fn main() { println!("cargo:warning=slow build script started"); std::thread::sleep(std::time::Duration::from_secs(120)); }\n');
  });
  after(() => ws.dispose());

  it('stops cargo and every child, leaving no process behind', async () => {
    const nx = ws.spawnNx(['run-many', '-t', 'build', '--output-style=static']);
    const inWorkspace = () => {
      const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
      // The crate cache server is meant to outlive builds (it exits when idle); it runs no build work.
      return out.split('\n').filter((line) => line.includes(ws.root) && !line.includes('ps -eo') && !line.includes('crate-cache/dist/server/main.js'));
    };
    const deadline = Date.now() + 60_000;
    while (!inWorkspace().some((line) => line.includes('build-script-build'))) {
      assert.ok(Date.now() < deadline, 'the slow build script never started');
      await sleep(200);
    }
    // What a terminal does on Ctrl-C: SIGINT to the foreground process group.
    process.kill(-nx.pid, 'SIGINT');
    await new Promise((resolveExit) => nx.once('exit', resolveExit));
    let left = inWorkspace();
    for (let waited = 0; left.length > 0 && waited < 5000; waited += 200) {
      await sleep(200);
      left = inWorkspace();
    }
    assert.deepEqual(left, []);
  });
});
