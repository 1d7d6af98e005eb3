// nx-cargo-affected against real nx, real git and real cargo: a change to
// Cargo.lock that only `tool` reaches, and a comment in the workspace
// Cargo.toml. Cargo tasks hash neither file whole; plain `nx affected` sees
// the parts that reach each crate through the inputs files `nx sync` commits,
// the helper computes them from the two commits (without those files). Both
// mark exactly the crates cargo itself says reach the changed package, and
// none for a comment. (e2e/task-hash-matrix.test.mjs checks both against
// task hashes, change by change.)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { generateRepo } from '../tools/generate/cargo-workspace.mjs';
import { NxWorkspace } from '../tools/support/nx-workspace.mjs';
import { cargoMetadata, membersReaching, withChecksum } from './support/cargo-lock.mjs';

const FIXTURE = 'packages/cargo-workspace/fixtures/lockfiles/workspace-v4';
const REGEX_CHECKSUM = '48aaa5748ba571fb95cd2c85c09f629215d3a6ece942baa100950af03a34f733';
const ALL_CRATES = ['app', 'itoa', 'memchr', 'shared', 'tool'];
const ITOA_CHECKSUM = '1aab8fc367588b89dcee83ab0fd66b72b50b72fa1904d7095045ace2b0c81c35';

/**
 * Commits the workspace on `main` with another checksum for one lock entry
 * (cargo would reject it against crates.io), then restores the real one
 * on `branch`, as `cargo update` would: a lock-only change to one external
 * package. Each commit holds the inputs files `nx sync` writes, as CI's
 * `nx sync:check` requires. Returns the base commit.
 */
function commitChecksumBump(ws, lockFile, checksum, branch) {
  const lock = ws.read(lockFile);
  ws.write(lockFile, withChecksum(lock, checksum));
  ws.nxOk(['sync']);
  ws.git('init', '--quiet', '--initial-branch=main');
  ws.git('add', '-A');
  ws.git('commit', '--quiet', '-m', 'base');
  const base = ws.git('rev-parse', 'HEAD').trim();
  ws.git('checkout', '--quiet', '-b', branch);
  ws.write(lockFile, lock);
  ws.nxOk(['sync']);
  ws.git('commit', '--quiet', '-am', 'checksum of one lock entry');
  return base;
}

describe('nx-cargo-affected', () => {
  let ws;
  let lockBase;
  let lockHead;
  before(() => {
    ws = new NxWorkspace();
    ws.copyFrom(FIXTURE);
    // A lock-only change to regex, which only `tool` reaches.
    lockBase = commitChecksumBump(ws, 'Cargo.lock', REGEX_CHECKSUM, 'lock-update');
    lockHead = ws.git('rev-parse', 'HEAD').trim();
  });
  after(() => ws.dispose());

  const helper = (args) => {
    const result = spawnSync(process.execPath, [ws.bin('nx-cargo-affected'), ...args], { cwd: ws.root, env: ws.nxEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: stripVTControlCharacters(result.stdout), stderr: stripVTControlCharacters(result.stderr) };
  };
  const printed = (args) => {
    const result = helper([...args, '--print', '--json']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    return { ...JSON.parse(result.stdout), notes: result.stderr };
  };
  const plainAffected = (args) => JSON.parse(ws.nxOk(['show', 'projects', '--affected', ...args, '-t', 'build', '--json']).stdout).sort();

  /** Workspace members whose resolve graph (cargo's, from each member) reaches `name@version` from a registry. */
  const membersReachingPackage = (name, version) =>
    membersReaching(cargoMetadata(ws.root), (pkg) => pkg.name === name && pkg.version === version && pkg.source?.startsWith('registry+'));

  it('plain nx affected marks the crates a lock-only change reaches, through the inputs files nx sync committed', () => {
    assert.deepEqual(plainAffected([`--base=${lockBase}`]), ['tool']);
    assert.deepEqual(ws.git('diff', '--name-only', lockBase, 'HEAD').trim().split('\n').sort(), ['Cargo.lock', 'tool/.nx-cargo-inputs.txt']);
  });

  it('the helper marks exactly the crates whose closure holds the changed package', () => {
    const expected = membersReachingPackage('regex', '1.7.1');
    assert.deepEqual(expected, ['tool'], 'cargo says only tool reaches regex');
    const { files, projects, notes } = printed(['--base', lockBase, '-t', 'build']);
    // Cargo.lock stays for a crate that would own it (none here); tool's inputs file is derived, so left out.
    assert.deepEqual(files, ['Cargo.lock', 'tool/Cargo.toml']);
    assert.deepEqual(projects.sort(), expected);
    assert.match(notes, /Cargo\.lock: 1 external package\(s\) changed \(regex@1\.7\.1\), reaching tool/);
    assert.match(notes, /1 nx-cargo inputs file\(s\) left out \(tool\/\.nx-cargo-inputs\.txt\)/);
    const plain = plainAffected([`--base=${lockBase}`]);
    console.log(`lock-only change to regex: plain nx affected ${plain.length} projects (${plain.join(', ')}), nx-cargo-affected ${projects.length} (${projects.join(', ')})`);
  });

  it('reads the new side from --head, not from the working tree', () => {
    ws.git('checkout', '--quiet', 'main');
    try {
      assert.deepEqual(printed(['--base', lockBase, '--head', lockHead, '-t', 'build']).projects, ['tool']);
      // Without --head the working tree (here: the base) is the new side: nothing changed.
      assert.deepEqual(printed(['--base', lockBase, '-t', 'build']).files, []);
    } finally {
      ws.git('checkout', '--quiet', 'lock-update');
    }
  });

  it('without --print, runs nx affected on those crates only, with nx exit status', () => {
    const result = helper(['--base', lockBase, '-t', 'check', '--output-style=static']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /nx run tool:check/);
    assert.match(result.stdout, /Checking regex v1\.7\.1/);
    for (const other of ['app', 'shared', 'itoa', 'memchr']) assert.doesNotMatch(result.stdout, new RegExp(`nx run ${other}:check`));
    // A broken tool: nx fails, and so does the helper.
    const source = ws.read('tool/src/lib.rs');
    ws.write('tool/src/lib.rs', `${source}\nfn broken() -> u8 { "not a number" }\n`);
    try {
      const failing = helper(['--base', lockBase, '-t', 'check', '--output-style=static']);
      assert.equal(failing.status, 1, failing.stdout + failing.stderr);
      assert.match(failing.stdout, /mismatched types/);
    } finally {
      ws.write('tool/src/lib.rs', source);
    }
  });

  it('a comment in the workspace Cargo.toml: plain affected and the helper mark nothing', () => {
    const commentBase = ws.git('rev-parse', 'HEAD').trim();
    ws.write('Cargo.toml', `# The crates of this workspace.\n${ws.read('Cargo.toml').replace('resolver = "2"', 'resolver = "2"   # pinned')}`);
    // Uncommitted first (working tree against base), then committed (base...HEAD).
    for (const commit of [false, true]) {
      if (commit) ws.git('commit', '--quiet', '-am', 'comment');
      const plain = plainAffected([`--base=${commentBase}`]);
      assert.deepEqual(plain, []);
      const { files, projects } = printed(['--base', commentBase, '-t', 'build']);
      // The file itself stays, for a task that would hash it whole (a crate at the workspace root): none here.
      assert.deepEqual(files, ['Cargo.toml']);
      assert.deepEqual(projects, []);
      console.log(`comment-only root Cargo.toml (${commit ? 'committed' : 'uncommitted'}): plain nx affected ${plain.length} projects, nx-cargo-affected ${projects.length}`);
    }
    const run = helper(['--base', commentBase, '-t', 'build', '--output-style=static']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /nx run /);
    assert.match(run.stderr, /Cargo\.toml: no part that reaches a crate changed/);
  });

  it('keeps a real change to the workspace Cargo.toml', () => {
    const realBase = ws.git('rev-parse', 'HEAD').trim();
    ws.write('Cargo.toml', `${ws.read('Cargo.toml')}\n[profile.dev]\nopt-level = 1\n`);
    const { files, projects } = printed(['--base', realBase, '-t', 'build']);
    assert.deepEqual(files, ['Cargo.toml', '.nx-cargo/profile.dev.txt']);
    assert.deepEqual(projects.sort(), ALL_CRATES);
    // build-release builds with [profile.release]: untouched.
    assert.deepEqual(printed(['--base', realBase, '-t', 'build-release']).projects, []);
    ws.git('checkout', '--quiet', '--', 'Cargo.toml');
  });
});

describe('nx-cargo-affected in an Nx workspace below the git root, run from a crate folder', () => {
  let repo;
  let ws;
  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'nx-cargo-affected-'));
    execFileSync('git', ['init', '--quiet'], { cwd: repo });
    ws = new NxWorkspace({ root: join(repo, 'nested/ws') });
    ws.copyFrom(FIXTURE);
    const lock = ws.read('Cargo.lock');
    ws.write('Cargo.lock', withChecksum(lock, REGEX_CHECKSUM));
    ws.write('../outside.txt', 'outside the Nx workspace\n');
    ws.git('add', '-A');
    ws.git('commit', '--quiet', '-m', 'base');
    ws.write('Cargo.lock', lock);
    ws.write('../outside.txt', 'changed outside the Nx workspace\n');
    ws.git('commit', '--quiet', '-am', 'regex checksum');
    ws.write('shared/src/extra.rs', '// untracked\n');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  const printed = (args) => {
    const result = spawnSync(process.execPath, [ws.bin('nx-cargo-affected'), ...args, '--print', '--json'], { cwd: join(ws.root, 'tool'), env: ws.nxEnv(), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    return JSON.parse(result.stdout);
  };

  it('lists paths relative to the Nx root, with untracked files, from the working tree', () => {
    const { files, projects } = printed(['--base', 'HEAD~1', '-t', 'build']);
    assert.deepEqual(files.sort(), ['Cargo.lock', 'shared/src/extra.rs', 'tool/Cargo.toml']);
    assert.deepEqual(projects.sort(), ['app', 'shared', 'tool']);
  });

  it('reads the Cargo workspace from the --head commit', () => {
    const { files, projects } = printed(['--base', 'HEAD~1', '--head', 'HEAD', '-t', 'build']);
    assert.deepEqual(files, ['Cargo.lock', 'tool/Cargo.toml']);
    assert.deepEqual(projects, ['tool']);
  });
});

describe('nx-cargo-affected on 100 crates', () => {
  let ws;
  let user;
  before(() => {
    ws = new NxWorkspace();
    const summary = generateRepo(join(ws.root, 'rust'), { crates: 100, seed: 5, variety: false, externalDeps: false });
    // One crate that nothing depends on uses an external crate: a lock bump of it reaches that crate alone.
    const dependedOn = new Set(summary.packages.flatMap((pkg) => pkg.dependencies.map((dep) => dep.name)));
    user = summary.packages.find((pkg) => !dependedOn.has(pkg.name));
    const manifest = `rust/${user.dir}/Cargo.toml`;
    // Pinned to the version the fixtures fetch, so the offline resolve is the same everywhere.
    ws.write(manifest, `${ws.read(manifest)}\n[dependencies.itoa]\nversion = "=1.0.1"\n`);
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: join(ws.root, 'rust') });
    commitChecksumBump(ws, 'rust/Cargo.lock', ITOA_CHECKSUM, 'bump');
  });
  after(() => ws.dispose());

  it('picks the one crate a lock bump reaches, plainly after nx sync and with the helper without', () => {
    const plainAffected = () => JSON.parse(ws.nxOk(['show', 'projects', '--affected', '--base=main', '-t', 'build', '--json']).stdout);
    const plain = plainAffected();
    const precise = spawnSync(process.execPath, [ws.bin('nx-cargo-affected'), '--base', 'main', '-t', 'build', '--print', '--json'], { cwd: ws.root, env: ws.nxEnv(), encoding: 'utf8' });
    assert.equal(precise.status, 0, precise.stderr);
    const { projects } = JSON.parse(precise.stdout);
    // The same change committed without running nx sync: plain affected is blind to it, the helper is not.
    ws.git('checkout', '--quiet', '-b', 'unsynced', 'main');
    ws.write('rust/Cargo.lock', ws.git('show', 'bump:rust/Cargo.lock'));
    ws.git('commit', '--quiet', '-am', 'checksum, inputs files not synced');
    const unsynced = plainAffected();
    const helperUnsynced = JSON.parse(spawnSync(process.execPath, [ws.bin('nx-cargo-affected'), '--base', 'main', '-t', 'build', '--print', '--json'], { cwd: ws.root, env: ws.nxEnv(), encoding: 'utf8' }).stdout).projects;
    console.log(
      `lock bump reaching 1 of 100 crates: plain nx affected ${plain.length} projects (inputs files synced), ${unsynced.length} (not synced: what nx sync:check in CI prevents); nx-cargo-affected ${projects.length} (${projects.join(', ')}), ${helperUnsynced.length} without synced files`,
    );
    assert.deepEqual(plain, [user.name]);
    assert.deepEqual(projects, [user.name]);
    assert.deepEqual(unsynced, []);
    assert.deepEqual(helperUnsynced, [user.name]);
  });
});
