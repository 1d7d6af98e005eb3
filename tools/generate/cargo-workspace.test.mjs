// Tests for the Cargo fixture generator. Needs `cargo` on PATH (skipped otherwise).
//   node --test tools/generate/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

import { generateRepo, FEATURES, requiredFeatures } from './cargo-workspace.mjs';

const hasCargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' }).status === 0;
const SEEDS = [1, 2, 3, 4, 5];
// Vary the number of workspaces so single- and multi-workspace layouts are both covered.
const workspacesFor = (seed) => 1 + (seed % 3);

function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cargo-fixture-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cargoMetadata(manifestDir) {
  const r = spawnSync('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline', '--manifest-path', path.join(manifestDir, 'Cargo.toml')], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `cargo metadata failed in ${manifestDir}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function treeHash(dir) {
  const h = crypto.createHash('sha256');
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${path.relative(dir, p)}\0${fs.readFileSync(p, 'utf8')}\0`);
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** Features seen in cargo's own view of the tree (plus manifest text where cargo metadata is silent). */
function observedFeatures(dir, summary, metas) {
  const seen = new Set();
  const pkgByManifest = new Map();
  for (const m of metas.values()) for (const p of m.packages) pkgByManifest.set(p.manifest_path, p);
  const rootOfDir = new Map(summary.packages.map((p) => [path.resolve(dir, p.dir), p.root]));
  for (const [root, m] of metas) {
    const rootAbs = path.resolve(dir, root);
    const text = fs.readFileSync(path.join(rootAbs, 'Cargo.toml'), 'utf8');
    const isWorkspace = /^\[workspace\]/m.test(text);
    const hasPackage = /^\[package\]/m.test(text);
    if (isWorkspace && !hasPackage) seen.add('virtual-manifest');
    if (isWorkspace && hasPackage && m.workspace_members.length > 1) seen.add('root-package');
    if (/^members = .*"crates\/\*"/m.test(text)) seen.add('members-glob');
    if (/^members = .*"libs\/\*\/\*"/m.test(text)) seen.add('members-glob-nested');
    if (/^members = .*"(apps|services)\//m.test(text)) seen.add('members-literal');
    if (/^\[workspace\.package\]/m.test(text)) seen.add('workspace-package');
    if (/^\[workspace\.dependencies\]/m.test(text)) seen.add('workspace-dependencies');
    if (/^\[workspace\.lints/m.test(text)) seen.add('workspace-lints');
    if (/^\[patch\.crates-io\]/m.test(text)) seen.add('patch-crates-io');
    if (m.workspace_default_members.length !== m.workspace_members.length) seen.add('default-members');
    if (root === '.' && isWorkspace) seen.add('repo-root-workspace');
    const memberRe = /^members = (.*)$/m.exec(text);
    for (const id of m.workspace_members) {
      const p = m.packages.find((x) => x.id === id);
      const rel = path.relative(rootAbs, path.dirname(p.manifest_path));
      if (rel.split(path.sep).length >= 3) seen.add('nested-folders');
      if (path.basename(rel) && path.basename(rel) !== p.name) seen.add('dir-name-differs');
      const listed = memberRe && (memberRe[1].includes(`"${rel}"`) || /\*/.test(memberRe[1]) && (rel.startsWith('crates/') || rel.startsWith('libs/')));
      if (rel !== '' && !listed) seen.add('implicit-member');
    }
    if (!isWorkspace && rootOfDir.has(rootAbs)) {
      const role = summary.packages.find((p) => path.resolve(dir, p.dir) === rootAbs).role;
      if (role === 'standalone') seen.add('standalone-package');
      if (role === 'excluded') seen.add('exclude-standalone');
    }
    if (isWorkspace && hasPackage && m.workspace_members.length === 1 && rootAbs.split(path.sep).some((s) => s === 'crates' || s === 'libs' || s === 'extras')) {
      seen.add('exclude-nested-workspace');
    }
  }
  for (const [manifest, p] of pkgByManifest) {
    const pdir = path.dirname(manifest);
    const text = fs.readFileSync(manifest, 'utf8');
    if (/^\w[\w-]*\.workspace = true$/m.test(text.split(/^\[/m).find((s) => s.startsWith('package]')) ?? '')) seen.add('inherit-fields');
    if (/^autobins = false$/m.test(text)) {
      const stray = fs.readdirSync(path.join(pdir, 'src', 'bin')).map((f) => path.join(pdir, 'src', 'bin', f));
      assert.ok(stray.every((s) => !p.targets.some((t) => t.src_path === s)), `autobins = false should hide ${stray}`);
      seen.add('autobins-false');
    }
    if (p.targets.some((t) => t.kind.includes('custom-build'))) seen.add('build-script');
    for (const t of p.targets) {
      if (t.kind.includes('proc-macro')) seen.add('proc-macro');
      if (t.crate_types.includes('cdylib')) seen.add('cdylib');
      if (t.crate_types.includes('staticlib')) seen.add('staticlib');
      if (t.kind.includes('lib') && t.name !== p.name.replace(/-/g, '_')) seen.add('lib-custom-name');
      if (t.kind.includes('example')) seen.add('example');
      if (t.kind.includes('test')) seen.add('test');
      if (t.kind.includes('bench')) seen.add('bench');
      if (t.kind.includes('bin')) {
        const rel = path.relative(pdir, t.src_path).split(path.sep).join('/');
        if (rel === 'src/main.rs') seen.add('bin-main');
        else if (/^src\/bin\/[^/]+\.rs$/.test(rel)) seen.add('bin-file');
        else if (/^src\/bin\/[^/]+\/main\.rs$/.test(rel)) seen.add('bin-dir');
        else seen.add('bin-explicit-path');
      }
    }
    if (!p.targets.some((t) => t.kind.some((k) => ['lib', 'rlib', 'proc-macro', 'cdylib', 'staticlib'].includes(k)))) seen.add('bin-only');
    const depSection = text.split(/^\[/m).filter((s) => /dependencies\]/.test(s.split('\n')[0])).join('\n');
    if (/workspace = true.*features = .*optional = true/.test(depSection)) seen.add('workspace-dep-inherit');
    for (const d of p.dependencies) {
      if (d.kind === 'dev') seen.add('dev-dependencies');
      if (d.kind === 'build' && d.path) seen.add('build-dependencies');
      if (d.target === 'cfg(unix)') seen.add('target-cfg-deps');
      if (d.target === 'x86_64-unknown-linux-gnu' && d.kind === 'dev') seen.add('target-triple-dev-deps');
      if (d.source?.startsWith('registry+')) seen.add('registry-dep');
      if (d.path && d.rename) seen.add('renamed-dep');
      if (d.path && d.optional) seen.add('optional-dep');
      if (d.path && d.features.length) seen.add('dep-features');
      if (d.path) {
        const from = rootOfDir.get(pdir);
        const to = rootOfDir.get(d.path);
        const toRole = summary.packages.find((x) => path.resolve(dir, x.dir) === d.path)?.role;
        if (toRole === 'standalone') seen.add('standalone-dep');
        else if (from !== to && (toRole === 'member' || toRole === 'root')) seen.add('cross-workspace-dep');
      }
    }
  }
  return seen;
}

function assertAcyclic(metas) {
  const edges = new Map();
  for (const m of metas.values()) {
    for (const p of m.packages) {
      const from = path.dirname(p.manifest_path);
      if (!edges.has(from)) edges.set(from, new Set());
      for (const d of p.dependencies) if (d.path && d.kind !== 'dev') edges.get(from).add(d.path);
    }
  }
  const state = new Map();
  const visit = (n, trail) => {
    if (state.get(n) === 2) return;
    assert.notEqual(state.get(n), 1, `dependency cycle: ${[...trail, n].join(' -> ')}`);
    state.set(n, 1);
    for (const m of edges.get(n) ?? []) visit(m, [...trail, n]);
    state.set(n, 2);
  };
  for (const n of edges.keys()) visit(n, []);
}

const union = new Set();
const reported = new Set();

test('generated workspaces are valid for cargo metadata (seeds 1..5, 40 crates)', { skip: !hasCargo && 'cargo not found' }, async (t) => {
  for (const seed of SEEDS) {
    await t.test(`seed ${seed}`, (t) => {
      const dir = tmpDir(t);
      const options = { crates: 40, seed, workspaces: workspacesFor(seed) };
      const summary = generateRepo(dir, options);

      assert.equal(summary.packages.length, 40);
      const names = summary.packages.map((p) => p.name.replace(/_/g, '-'));
      assert.equal(new Set(names).size, names.length, 'package names unique across the repo');
      assert.ok(summary.roots.length >= options.workspaces);

      const metas = new Map();
      for (const root of summary.roots) metas.set(root, cargoMetadata(path.join(dir, root)));

      // Every package shows up in cargo's view of the root it was reported under.
      for (const p of summary.packages) {
        const m = metas.get(p.root);
        assert.ok(m, `${p.name}: root ${p.root} not in roots`);
        const manifest = path.join(dir, p.dir, 'Cargo.toml');
        const found = m.packages.find((x) => x.manifest_path === manifest);
        assert.ok(found, `${p.name} not in cargo metadata of ${p.root}`);
        assert.equal(found.name, p.name);
        assert.ok(m.workspace_members.includes(found.id), `${p.name} should be a member of ${p.root}`);
        assert.equal(path.resolve(m.workspace_root), path.resolve(dir, p.root));
      }
      // ...and nothing else is a member anywhere.
      const memberCount = [...metas.values()].reduce((n, m) => n + m.workspace_members.length, 0);
      assert.equal(memberCount, summary.packages.length);

      assertAcyclic(metas);

      const observed = observedFeatures(dir, summary, metas);
      for (const f of requiredFeatures(options)) {
        assert.ok(summary.features[f] > 0, `seed ${seed}: generator did not produce ${f}`);
      }
      for (const [f, n] of Object.entries(summary.features)) {
        if (n > 0) {
          reported.add(f);
          assert.ok(observed.has(f), `seed ${seed}: ${f} reported but not seen by cargo/manifests`);
        }
      }
      for (const f of observed) union.add(f);
    });
  }
  const missing = FEATURES.filter((f) => !union.has(f) || !reported.has(f));
  assert.deepEqual(missing, [], `features never produced across seeds ${SEEDS.join(',')}`);
});

test('same seed gives the same tree; another seed does not', (t) => {
  const [a, b, c] = [tmpDir(t), tmpDir(t), tmpDir(t)];
  const sa = generateRepo(a, { crates: 30, seed: 7, workspaces: 2 });
  const sb = generateRepo(b, { crates: 30, seed: 7, workspaces: 2 });
  generateRepo(c, { crates: 30, seed: 8, workspaces: 2 });
  assert.deepEqual(sa, sb);
  assert.equal(treeHash(a), treeHash(b));
  assert.notEqual(treeHash(a), treeHash(c));
});

test('simple mode: one virtual workspace, crates/*, path deps only', { skip: !hasCargo && 'cargo not found' }, (t) => {
  const dir = tmpDir(t);
  const summary = generateRepo(dir, { crates: 60, seed: 3, variety: false, externalDeps: false });
  assert.deepEqual(summary.roots, ['.']);
  const text = fs.readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
  assert.match(text, /^members = \["crates\/\*"\]$/m);
  assert.doesNotMatch(text, /^\[package\]/m);
  const m = cargoMetadata(dir);
  assert.equal(m.workspace_members.length, 60);
  for (const p of m.packages) {
    assert.deepEqual(p.targets.map((x) => x.kind.join()), ['lib']);
    for (const d of p.dependencies) {
      assert.ok(d.path && d.kind === null && !d.source, `${p.name}: only normal path deps`);
      // The edge is real: the dependency is named in the code.
      assert.match(fs.readFileSync(path.join(path.dirname(p.manifest_path), 'src/lib.rs'), 'utf8'), new RegExp(`\\b${d.name.replace(/-/g, '_')}::value\\b`));
    }
  }
  assertAcyclic(new Map([['.', m]]));
});

test('externalDeps: false leaves out registry deps and [patch]', { skip: !hasCargo && 'cargo not found' }, (t) => {
  const dir = tmpDir(t);
  const summary = generateRepo(dir, { crates: 40, seed: 4, workspaces: 2, externalDeps: false });
  for (const p of summary.packages) assert.deepEqual(p.external, []);
  for (const root of summary.roots) {
    const m = cargoMetadata(path.join(dir, root));
    for (const p of m.packages) for (const d of p.dependencies) assert.ok(d.path, `${p.name} -> ${d.name} is not a path dep`);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, root, 'Cargo.toml'), 'utf8'), /\[patch/);
  }
});

test('small and uneven sizes stay valid', { skip: !hasCargo && 'cargo not found' }, (t) => {
  const cases = [
    { crates: 1 },
    { crates: 2, workspaces: 2 },
    { crates: 3, workspaces: 5 },
    { crates: 5, workspaces: 3, seed: 1056 },
    { crates: 9, workspaces: 2, externalDeps: false },
    { crates: 16, workspaces: 4, seed: 1105 },
    { crates: 19, workspaces: 1, seed: 11 },
    { crates: 33, workspaces: 5, seed: 1028 },
    { crates: 1, variety: false },
  ];
  for (const options of cases) {
    const dir = tmpDir(t);
    const summary = generateRepo(dir, options);
    assert.equal(summary.packages.length, options.crates, JSON.stringify(options));
    let members = 0;
    for (const root of summary.roots) members += cargoMetadata(path.join(dir, root)).workspace_members.length;
    assert.equal(members, options.crates, `every package is a member of exactly one root: ${JSON.stringify(options)}`);
  }
});

test('refuses a non-empty directory unless clean', (t) => {
  const dir = tmpDir(t);
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'x');
  assert.throws(() => generateRepo(dir, { crates: 3 }), /not empty/);
  generateRepo(dir, { crates: 3, clean: true });
  assert.ok(!fs.existsSync(path.join(dir, 'keep.txt')));
});
