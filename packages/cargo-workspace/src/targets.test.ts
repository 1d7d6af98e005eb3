import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { ManifestError } from './errors.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './node-file-system.js';
import { discoverTargets, type CargoTarget } from './targets.js';

// The file system is rooted above the fixtures, so package roots are real sub-folders.
const ROOT = join(__dirname, '..');
const FIXTURES = join(ROOT, 'fixtures/targets');
const fixtures = readdirSync(FIXTURES).sort();
const failing = fixtures.filter((name) => name.startsWith('error-'));
const passing = fixtures.filter((name) => !name.startsWith('error-'));

function manifestFile(fixture: string): string {
  return `fixtures/targets/${fixture}/Cargo.toml`;
}

function discover(fixture: string, fs: FileSystem = nodeFileSystem(ROOT)): CargoTarget[] {
  const manifest = parse(readFileSync(join(ROOT, manifestFile(fixture)), 'utf8'));
  const pkg = manifest.package as { name: string; edition?: string };
  return discoverTargets({
    fs,
    manifestFile: manifestFile(fixture),
    packageRoot: `fixtures/targets/${fixture}`,
    packageName: pkg.name,
    edition: pkg.edition ?? '2015',
    manifest,
  });
}

interface MetadataTarget {
  name: string;
  kind: string[];
  crate_types: string[];
  src_path: string;
  edition: string;
  'required-features'?: string[];
}

function cargoTargets(fixture: string): CargoTarget[] {
  const args = ['metadata', '--no-deps', '--format-version', '1', '--offline', '--manifest-path', join(ROOT, manifestFile(fixture))];
  const [pkg] = JSON.parse(execFileSync('cargo', args, { encoding: 'utf8' })).packages as { targets: MetadataTarget[] }[];
  return pkg.targets.map((target) => ({
    name: target.name,
    kind: target.kind,
    crateTypes: target.crate_types,
    srcPath: relative(ROOT, target.src_path).split(sep).join('/'),
    edition: target.edition,
    requiredFeatures: target['required-features'] ?? [],
  }));
}

/** Targets that only one side has, one line each, sorted by kind and name; [] when both agree. */
function diffTargets(cargo: CargoTarget[], ours: CargoTarget[]): string[] {
  const render = (targets: CargoTarget[]) =>
    targets
      .map((t) => `${t.kind.join(',')} ${t.name} ${JSON.stringify([t.crateTypes, t.srcPath, t.edition, t.requiredFeatures])}`)
      .sort();
  const unmatched = render(ours);
  const cargoOnly = render(cargo).filter((line) => {
    const index = unmatched.indexOf(line);
    if (index >= 0) unmatched.splice(index, 1);
    return index < 0;
  });
  return [...cargoOnly.map((line) => `cargo only: ${line}`), ...unmatched.map((line) => `ours only: ${line}`)];
}

/**
 * Cargo's reason for refusing a fixture. `cargo check` rather than `cargo
 * metadata`: metadata hides some target errors (a [[test]] without a file is
 * silently dropped) that every build reports. `--locked` stops cargo before it
 * writes a Cargo.lock into the fixture should the manifest be accepted.
 */
function cargoError(fixture: string): string {
  const result = spawnSync('cargo', ['check', '--offline', '--locked', '--manifest-path', join(ROOT, manifestFile(fixture))], {
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: join(tmpdir(), 'nx-cargo-targets-test') },
  });
  const reason = /failed to parse manifest[^\n]*\n\s*Caused by:\n\s+([^\n]+)/.exec(result.stderr);
  assert.ok(reason, `cargo accepted ${fixture}:\n${result.stderr}`);
  return reason[1];
}

describe('discoverTargets agrees with cargo metadata', () => {
  for (const fixture of passing) {
    it(fixture, () => {
      assert.deepEqual(diffTargets(cargoTargets(fixture), discover(fixture)), []);
    });
  }

  it('negative control: a dropped target is reported', () => {
    const ours = discover('explicit-bins');
    const dropped = ours.findIndex((target) => target.name === 'alpha');
    ours.splice(dropped, 1);
    const diff = diffTargets(cargoTargets('explicit-bins'), ours);
    assert.equal(diff.length, 1);
    assert.match(diff[0], /^cargo only: bin alpha /);
  });
});

describe('discoverTargets refuses what cargo refuses', () => {
  for (const fixture of failing) {
    it(fixture, () => {
      const reason = cargoError(fixture);
      assert.throws(
        () => discover(fixture),
        (error: unknown) =>
          error instanceof ManifestError && error.file === manifestFile(fixture) && error.reason.includes(reason),
      );
    });
  }
});

describe('discoverTargets reads little', () => {
  it('lists only folders that exist and cargo looks into, and reads no file', () => {
    const disk = nodeFileSystem(ROOT);
    const listed: string[] = [];
    const recording: FileSystem = {
      readFile: () => assert.fail('no file contents are needed'),
      readDir: (path) => (listed.push(path), disk.readDir(path)),
    };
    discover('lib-and-main', recording);
    assert.deepEqual(listed, ['fixtures/targets/lib-and-main', 'fixtures/targets/lib-and-main/src']);
  });
});
