// This repository's packages as a user gets them: packed with `npm pack`
// (so only what `files` publishes) and installed with `npm install` beside
// a chosen `nx`, into a folder outside the repository. Each distinct set of
// tarballs and versions is installed once and shared by every test process
// of a run (and by later runs while the packages do not change).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The Nx the tests use unless they ask for another (the repository's own devDependency). */
export const DEFAULT_NX = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')).version;
const INSTALLS = join(tmpdir(), 'nx-cargo-installs');

/** Packs every workspace package once per process; returns { name: tarball path }. */
let packed;
function packWorkspaces() {
  if (packed) return packed;
  const dest = mkdtempSync(join(tmpdir(), 'nx-cargo-packed-'));
  const out = execFileSync('npm', ['pack', '--workspaces', '--json', '--pack-destination', dest], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = Object.fromEntries(JSON.parse(out).map((entry) => [entry.name, join(dest, entry.filename)]));
  return packed;
}

/**
 * A folder whose node_modules holds nx@`nx`, `extra` registry packages
 * (name → range) and this repository's packages from their tarballs, as
 * `npm install -D nx nx-cargo` gives them. Returns its paths and npm's own
 * output of the install (warnings included), for tests that check it.
 */
export function installedPackages({ nx = DEFAULT_NX, extra = {} } = {}) {
  const tarballs = packWorkspaces();
  const hash = createHash('sha256').update(JSON.stringify({ nx, extra, node: process.version }));
  for (const name of Object.keys(tarballs).sort()) hash.update(name).update(readFileSync(tarballs[name]));
  const dir = join(INSTALLS, hash.digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'installed.json'))) installInto(dir, tarballs, nx, extra);
  const { npmOutput } = JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8'));
  return {
    dir,
    nodeModules: join(dir, 'node_modules'),
    /** npm's link to nx's entry point (its place inside the package differs between majors). */
    nxBin: join(dir, 'node_modules/.bin/nx'),
    /** The path of an installed package's folder. */
    packageDir: (name) => join(dir, 'node_modules', name),
    /** An installed package's executable, as npm links it. */
    bin: (name) => join(dir, 'node_modules/.bin', name),
    npmOutput,
  };
}

/** Installs into a fresh folder and renames it into place, so a concurrent test process never sees half an install. */
function installInto(dir, tarballs, nx, extra) {
  mkdirSync(INSTALLS, { recursive: true });
  const staging = mkdtempSync(`${dir}.staging-`);
  try {
    const devDependencies = { nx, ...extra };
    for (const [name, file] of Object.entries(tarballs)) devDependencies[name] = `file:${file}`;
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'nx-cargo-e2e-install', private: true, devDependencies }, null, 2));
    const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: staging, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm install of the packed packages failed in ${staging}:\n${result.stdout}\n${result.stderr}`);
    writeFileSync(join(staging, 'installed.json'), JSON.stringify({ npmOutput: `${result.stdout}\n${result.stderr}` }));
    try {
      renameSync(staging, dir);
      pruneOldInstalls();
    } catch (error) {
      // Another process finished the same install first: use theirs.
      if (!existsSync(join(dir, 'installed.json'))) throw error;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Every change to a package makes a new install (~250 MB); the oldest go
 * once there are more than a run's worth (one per Nx version tested).
 */
const KEPT_INSTALLS = 6;
function pruneOldInstalls() {
  const installs = readdirSync(INSTALLS)
    .filter((name) => !name.includes('.staging-'))
    .map((name) => ({ name, at: statSync(join(INSTALLS, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of installs.slice(KEPT_INSTALLS)) rmSync(join(INSTALLS, name), { recursive: true, force: true });
}
