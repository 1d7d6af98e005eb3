// What `npm pack` publishes of each package: what a user needs (the plugin's
// executors and schemas, the crate cache's client sources and server), and
// no tests or test helpers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../tools/support/installed-packages.mjs';

const TEST_FILE = /(\.test\.|(^|\/)testing\/|\.map$|\.tsbuildinfo$)/;
const REQUIRED = {
  'nx-cargo': ['dist/index.js', 'executors.json', 'generators.json', 'src/executors/cargo/schema.json', 'dist/executors/cargo/batch.js'],
  '@nx-cargo/crate-cache': ['dist/index.js', 'dist/server/main.js', 'dist/bin/rustc-wrapper.js', 'bin/nx-cargo-rustc', 'client/Cargo.toml', 'client/Cargo.lock', 'client/src/main.rs'],
  '@nx-cargo/cargo-workspace': ['dist/index.js', 'dist/index.d.ts'],
};

const packs = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--workspaces'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));

for (const pack of packs) {
  test(`${pack.name} publishes no tests and all it needs`, () => {
    const files = pack.files.map((file) => file.path);
    assert.deepEqual(files.filter((file) => TEST_FILE.test(file)), []);
    for (const required of REQUIRED[pack.name]) assert.ok(files.includes(required), `${pack.name} lacks ${required}`);
  });
}

/** Files of the plugin's build that load @nx/devkit at run time (it is a devDependency: types only). */
const devkitLoaders = (files) => files.filter((file) => file.endsWith('.js') && /(require|import)\(["']@nx\/devkit(\/[^"']*)?["']\)/.test(readFileSync(join(REPO_ROOT, 'plugins/nx-cargo', file), 'utf8')));

test('nx-cargo never loads @nx/devkit at run time: its functions come from the nx the workspace installed', () => {
  const pack = packs.find((candidate) => candidate.name === 'nx-cargo');
  assert.deepEqual(devkitLoaders(pack.files.map((file) => file.path)), []);
  // Negative control: the test files do load it, and the check finds them.
  const tests = readdirSync(join(REPO_ROOT, 'plugins/nx-cargo/dist'), { recursive: true }).map((file) => `dist/${file}`).filter((file) => file.endsWith('.test.js'));
  assert.ok(devkitLoaders(tests).length > 0);
});

test('negative control: the built folders do hold tests, which the check would catch', () => {
  const tests = (dir) => readdirSync(join(REPO_ROOT, dir, 'dist'), { recursive: true }).filter((file) => TEST_FILE.test(String(file)));
  for (const dir of ['plugins/nx-cargo', 'packages/crate-cache', 'packages/cargo-workspace']) assert.ok(tests(dir).length > 0, dir);
});
