#!/usr/bin/env node
// Downloads the crates.io crates that the test fixtures' Cargo.lock files pin,
// so a fresh machine needs nothing but cargo and the network before `npm test`
// (tests then build and run `cargo metadata --offline`). A no-op once cargo's
// cache has them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SEARCHED = ['e2e/fixtures', 'examples', 'packages/cargo-workspace/fixtures', 'packages/crate-cache/fixtures'];
const SKIPPED = new Set(['node_modules', 'target', 'dist', '.git']);

/** Folders under `dir` whose Cargo.lock names a registry package. */
function lockedFolders(dir) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) found.push(...lockedFolders(join(dir, entry.name)));
    else if (entry.name === 'Cargo.lock' && readFileSync(join(dir, entry.name), 'utf8').includes('source = "registry+')) found.push(dir);
  }
  return found;
}

const folders = SEARCHED.flatMap((dir) => lockedFolders(join(REPO_ROOT, dir)));
const failures = [];
for (const folder of folders) {
  const result = spawnSync('cargo', ['fetch', '--locked'], { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) {
    console.error(`fetch-fixture-crates: cannot run cargo (${result.error.message}); install Rust with rustup first.`);
    process.exit(1);
  }
  if (result.status !== 0) failures.push(`${relative(REPO_ROOT, folder)}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
}
if (failures.length > 0) {
  console.error(
    `fetch-fixture-crates: cargo could not download the fixtures' crates from crates.io (the tests need them):\n  ${failures.join('\n  ')}\n` +
      'Check the network (or a registry mirror in ~/.cargo/config.toml), then run `npm test` again.',
  );
  process.exit(1);
}
console.log(`fetch-fixture-crates: crates of ${folders.length} fixtures are in cargo's cache`);
