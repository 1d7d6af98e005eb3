import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LockfileError } from './errors.js';
import {
  closureDigest,
  externalClosure,
  Lockfile,
  LockPackage,
  lockPackageHash,
  lockPackageId,
  parseLockfile,
  resolveLockDependencies,
} from './lockfile.js';

const fixtures = path.join(__dirname, '../fixtures/lockfiles');
const cratesIo = 'registry+https://github.com/rust-lang/crates.io-index';
/** Start of a hand-written lockfile: its first [[package]] is on line 3. */
const header = 'version = 4\n\n';

function load(relative: string): Lockfile {
  return parseLockfile(relative, readFileSync(path.join(fixtures, relative), 'utf8'));
}

function find(lock: Lockfile, name: string, version?: string, source?: string): LockPackage {
  const found = lock.packages.filter(
    (pkg) => pkg.name === name && (version === undefined || pkg.version === version) && pkg.source === source,
  );
  assert.equal(found.length, 1, `exactly one ${name} ${version ?? ''} ${source ?? '(path)'}`);
  return found[0];
}

const summary = (packages: LockPackage[]) =>
  packages.map((pkg) => `${pkg.name} ${pkg.version} ${pkg.source ?? 'path'}`);

test('parses a version 4 lockfile written by cargo 1.95', () => {
  const lock = load('workspace-v4/Cargo.lock');
  assert.equal(lock.file, 'workspace-v4/Cargo.lock');
  assert.equal(lock.version, 4);
  assert.equal(lock.packages.length, 16);
  assert.deepEqual(find(lock, 'app'), { name: 'app', version: '0.1.0', dependencies: ['serde', 'shared'] });
  assert.deepEqual(find(lock, 'aho-corasick', '0.7.19', cratesIo), {
    name: 'aho-corasick',
    version: '0.7.19',
    source: cratesIo,
    checksum: 'b4f55bd91a0978cbfd91c457a164bab8b4001c833b7f323132c0a4e1922dd44e',
    dependencies: [`memchr 2.5.0 (${cratesIo})`],
  });
});

test('parses a version 3 lockfile written by cargo 1.95', () => {
  const lock = load('workspace-v3/Cargo.lock');
  assert.equal(lock.version, 3);
  assert.deepEqual(find(lock, 'web'), { name: 'web', version: '0.2.0', dependencies: ['model', 'regex'] });
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'aho-corasick', '0.7.19', cratesIo))), [
    `memchr 2.5.0 ${cratesIo}`,
  ]);
});

test('reads a lockfile without a version key as version 2', () => {
  const lock = parseLockfile('Cargo.lock', '[[package]]\nname = "a"\nversion = "0.1.0"\n');
  assert.equal(lock.version, 2);
});

test('resolves "name version" when two versions share a name', () => {
  const lock = load('workspace-v4/Cargo.lock');
  assert.deepEqual(find(lock, 'shared').dependencies, ['itoa 0.9.0', 'itoa 1.0.1']);
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'shared'))), [
    'itoa 0.9.0 path',
    `itoa 1.0.1 ${cratesIo}`,
  ]);
});

test('resolves one version from several sources: the source names it, a bare reference means the path one', () => {
  const lock = load('workspace-v4/Cargo.lock');
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'tool'))), [
    'memchr 2.5.0 path',
    `regex 1.7.1 ${cratesIo}`,
    'shared 0.1.0 path',
  ]);
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'regex', '1.7.1', cratesIo))), [
    `aho-corasick 0.7.19 ${cratesIo}`,
    `memchr 2.5.0 ${cratesIo}`,
    `regex-syntax 0.6.27 ${cratesIo}`,
  ]);
});

test('matches git references to packages whatever their locked commit', () => {
  const lock = load('git-sources.lock');
  const git = 'git+https://github.com/rust-lang/log?branch=feature%2Fkv';
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'cli'))), [
    `log 0.4.20 ${git}#5b3f4c2d1e0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c`,
    'utils 0.1.0 path',
  ]);
  assert.deepEqual(summary(externalClosure(lock, 'utils')), [`log 0.4.20 ${cratesIo}`]);
});

test('a replaced package stands for its replacement', () => {
  const lock = load('workspace-replace/Cargo.lock');
  assert.deepEqual(summary(resolveLockDependencies(lock, find(lock, 'app'))), ['itoa 1.0.1 path']);
  assert.deepEqual(summary(externalClosure(lock, 'app')), [`memchr 2.5.0 ${cratesIo}`]);
});

test('resolved dependencies are a fresh list each call', () => {
  const lock = load('workspace-v4/Cargo.lock');
  resolveLockDependencies(lock, find(lock, 'app')).pop();
  assert.equal(resolveLockDependencies(lock, find(lock, 'app')).length, 2);
});

test('closure walks through workspace members to their external crates, and only those', () => {
  const lock = load('workspace-v4/Cargo.lock');
  // app -> shared (member) -> itoa 1.0.1; app -> serde -> serde_derive -> ...
  assert.deepEqual(summary(externalClosure(lock, 'app')), [
    `itoa 1.0.1 ${cratesIo}`,
    `proc-macro2 1.0.47 ${cratesIo}`,
    `quote 1.0.21 ${cratesIo}`,
    `serde 1.0.152 ${cratesIo}`,
    `serde_derive 1.0.152 ${cratesIo}`,
    `syn 1.0.107 ${cratesIo}`,
    `unicode-ident 1.0.0 ${cratesIo}`,
  ]);
  // regex and its tree are reachable only from the member tool.
  const names = externalClosure(lock, 'app').map((pkg) => pkg.name);
  for (const onlyFromTool of ['regex', 'aho-corasick', 'regex-syntax', 'memchr']) {
    assert.ok(!names.includes(onlyFromTool), onlyFromTool);
  }
  assert.deepEqual(summary(externalClosure(lock, 'tool')), [
    `aho-corasick 0.7.19 ${cratesIo}`,
    `itoa 1.0.1 ${cratesIo}`,
    `memchr 2.5.0 ${cratesIo}`,
    `regex 1.7.1 ${cratesIo}`,
    `regex-syntax 0.6.27 ${cratesIo}`,
  ]);
});

test('closure is empty for a package that is not a path package in the lock', () => {
  const lock = load('workspace-v4/Cargo.lock');
  assert.deepEqual(externalClosure(lock, 'missing'), []);
  assert.deepEqual(externalClosure(lock, 'serde'), []);
  assert.deepEqual(externalClosure(lock, 'shared', '9.9.9'), []);
  // The path itoa 0.9.0 has no dependencies; the registry itoa is not a start.
  assert.deepEqual(externalClosure(lock, 'itoa'), []);
});

test('closure asks for a version when several path packages share the name', () => {
  const lock = parseLockfile(
    'Cargo.lock',
    `${header}[[package]]\nname = "a"\nversion = "0.1.0"\n\n[[package]]\nname = "a"\nversion = "0.2.0"\n`,
  );
  assert.throws(() => externalClosure(lock, 'a'), /Cargo.lock: several path packages are named `a` \(0.1.0, 0.2.0\)/);
  assert.deepEqual(externalClosure(lock, 'a', '0.2.0'), []);
});

test('lockPackageId adds the source only where name and version are shared', () => {
  const lock = load('workspace-v4/Cargo.lock');
  assert.equal(lockPackageId(find(lock, 'itoa', '1.0.1', cratesIo)), 'itoa@1.0.1');
  assert.equal(lockPackageId(find(lock, 'memchr', '2.5.0')), 'memchr@2.5.0');
  assert.equal(lockPackageId(find(lock, 'memchr', '2.5.0', cratesIo)), `${cratesIo}#memchr@2.5.0`);
  const git = load('git-sources.lock');
  const ids = git.packages.map(lockPackageId);
  assert.deepEqual(ids, [
    'cli@0.1.0',
    'git+https://github.com/rust-lang/log?branch=feature%2Fkv#log@0.4.20',
    `${cratesIo}#log@0.4.20`,
    'utils@0.1.0',
  ]);
});

test('lockPackageHash is the checksum, or a digest of name, version and source', () => {
  const lock = load('git-sources.lock');
  const registryLog = find(lock, 'log', '0.4.20', cratesIo);
  assert.equal(lockPackageHash(registryLog), registryLog.checksum);
  const gitLog = lock.packages[1];
  assert.match(lockPackageHash(gitLog), /^[0-9a-f]{64}$/);
  assert.notEqual(lockPackageHash(gitLog), lockPackageHash({ ...gitLog, source: `${gitLog.source}0` }));
});

test('closureDigest ignores order and changes with any checksum', () => {
  const closure = externalClosure(load('workspace-v4/Cargo.lock'), 'app');
  const digest = closureDigest(closure);
  assert.match(digest, /^[0-9a-f]{64}$/);
  assert.equal(closureDigest([...closure].reverse()), digest);
  // Negative control: one changed checksum, or one crate fewer, gives another digest.
  const changed = closure.map((pkg) => (pkg.name === 'syn' ? { ...pkg, checksum: 'f'.repeat(64) } : pkg));
  assert.notEqual(closureDigest(changed), digest);
  assert.notEqual(closureDigest(closure.slice(1)), digest);
});

function assertLockfileError(text: string, expected: { line?: number; reason: RegExp }) {
  assert.throws(
    () => parseLockfile('crates/Cargo.lock', text),
    (error: unknown) => {
      assert.ok(error instanceof LockfileError);
      assert.equal(error.file, 'crates/Cargo.lock');
      assert.equal(error.line, expected.line);
      assert.match(error.reason, expected.reason);
      return true;
    },
  );
}

test('malformed TOML is a LockfileError at its line', () => {
  assertLockfileError(`${header}[[package]]\nname = "a"\nversion = 0.1.0"\n`, { line: 5, reason: /^invalid TOML/ });
});

test('a [[package]] without its fields is a LockfileError at that entry', () => {
  const good = '[[package]]\nname = "a"\nversion = "0.1.0"\n\n';
  assertLockfileError(`${header}${good}[[package]]\nname = "b"\n`, { line: 7, reason: /`b` has no `version`/ });
  assertLockfileError(`${header}${good}[[package]]\nversion = "1.0.0"\n`, { line: 7, reason: /has no `name`/ });
  const b = '[[package]]\nname = "b"\nversion = "1.0.0"\n';
  assertLockfileError(`${header}${good}${b}dependencies = "a"\n`, { line: 7, reason: /`dependencies` must be a list/ });
  assertLockfileError(`${header}${good}${b}source = 1\n`, { line: 7, reason: /`source` must be a string/ });
  assertLockfileError(`${header}${good}${good}`, { line: 7, reason: /`a 0.1.0` is listed twice/ });
});

test('version 1 lockfiles and unknown versions are rejected with advice', () => {
  const v1 = `[[package]]\nname = "a"\nversion = "0.1.0"\n\n[metadata]\n"checksum b 1.0.0 (${cratesIo})" = "00"\n`;
  assertLockfileError(v1, { line: 5, reason: /format version 1.*cargo update -w/ });
  assertLockfileError('# future\nversion = 5\n', { line: 2, reason: /unsupported lockfile version 5/ });
});

test('an unresolvable reference is a LockfileError naming the file', () => {
  const lock = parseLockfile(
    'crates/Cargo.lock',
    `${header}[[package]]\nname = "a"\nversion = "0.1.0"\ndependencies = ["b", "c 2.0.0", "d"]\n\n` +
      '[[package]]\nname = "c"\nversion = "1.0.0"\n\n[[package]]\nname = "d"\nversion = "1.0.0"\n\n' +
      '[[package]]\nname = "d"\nversion = "2.0.0"\n',
  );
  const a = lock.packages[0];
  for (const [reference, why] of [
    ['b', /"b", which matches no package/],
    ['c 2.0.0', /"c 2.0.0", which matches no package/],
    ['d', /"d", which is ambiguous/],
    ['c (x)', /"c \(x\)", which is not/],
  ] as const) {
    assert.throws(
      () => resolveLockDependencies(lock, { ...a, dependencies: [reference] }),
      (error: unknown) =>
        error instanceof LockfileError && error.file === 'crates/Cargo.lock' && why.test(error.message),
    );
  }
});

/**
 * Cargo's own view: for each workspace member, the external packages its
 * `cargo metadata` resolve graph reaches (offline: `npm test` fetches the
 * fixtures' crates first).
 */
function cargoClosures(workspace: string): Map<string, string[]> {
  const result = spawnSync('cargo', ['metadata', '--format-version', '1', '--offline', '--locked'], {
    cwd: path.join(fixtures, workspace),
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) {
    throw new Error(`cargo metadata failed in ${workspace} (run tools/support/fetch-fixture-crates.mjs first): ${result.error?.message ?? result.stderr.trim()}`);
  }
  interface Metadata {
    packages: { id: string; name: string; version: string; source: string | null }[];
    resolve: { nodes: { id: string; deps: { pkg: string }[] }[] };
    workspace_members: string[];
  }
  const metadata = JSON.parse(result.stdout) as Metadata;
  const packages = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  const deps = new Map(metadata.resolve.nodes.map((node) => [node.id, node.deps.map((dep) => dep.pkg)]));
  const closures = new Map<string, string[]>();
  for (const member of metadata.workspace_members) {
    const seen = new Set([member]);
    const queue = [member];
    for (let i = 0; i < queue.length; i++) {
      for (const dep of deps.get(queue[i]) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        queue.push(dep);
      }
    }
    const external = [...seen].map((id) => packages.get(id)!).filter((pkg) => pkg.source !== null);
    const { name, version } = packages.get(member)!;
    closures.set(`${name} ${version}`, external.map((pkg) => `${pkg.name} ${pkg.version} ${pkg.source}`).sort());
  }
  return closures;
}

for (const workspace of ['workspace-v4', 'workspace-v3', 'workspace-replace']) {
  test(`${workspace}: externalClosure agrees with cargo metadata for every member`, () => {
    const closures = cargoClosures(workspace);
    const lock = load(`${workspace}/Cargo.lock`);
    assert.ok([...closures.values()].some((external) => external.length > 0), 'cargo sees external crates');
    for (const [member, expected] of closures) {
      const [name, version] = member.split(' ');
      assert.deepEqual(summary(externalClosure(lock, name, version)).sort(), expected, member);
    }
  });
}
