// nx release for crates under the real nx and cargo: versions written where
// cargo reads them (a crate's own, [workspace.package]), requirements and
// Cargo.lock moved with them, conventional commits and changelogs from Nx,
// and publishing in dependency order to a registry on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NxWorkspace, REPO_ROOT } from '../tools/support/nx-workspace.mjs';
import { startCargoRegistry } from './support/cargo-registry.mjs';

const FIXTURE = join(REPO_ROOT, 'e2e/fixtures/release');
const fixture = (file) => readFileSync(join(FIXTURE, file), 'utf8');
/** The local crates each publishable crate depends on (normal, build and dev): each must reach the registry first. */
const DEPENDS_ON = { base: [], codec: ['base'], api: ['codec', 'base'] };
const VERSION_ACTIONS = 'nx-cargo/version-actions';

/** The fixture under Nx and git, with release groups from `nx g nx-cargo:init --release=<relationship>`; cargo keeps its caches apart. */
function releaseWorkspace(relationship = 'independent') {
  const ws = NxWorkspace.fromFixture('release');
  const cargoHome = mkdtempSync(join(tmpdir(), 'nx-cargo-home-'));
  ws.env = { CARGO_HOME: cargoHome };
  ws.disposeAll = () => {
    ws.dispose();
    rmSync(cargoHome, { recursive: true, force: true });
  };
  ws.nxOk(['g', 'nx-cargo:init', `--release=${relationship}`], ws.env);
  // The inputs files `nx affected` needs, committed as a user's repository has them.
  ws.nxOk(['sync'], ws.env);
  ws.git('init', '-q', '-b', 'main');
  commitAll(ws, 'chore: baseline');
  return ws;
}

function commitAll(ws, message) {
  ws.git('add', '-A');
  ws.git('commit', '-q', '-m', message);
}

function cargo(ws, args, env = {}) {
  return spawnSync('cargo', args, { cwd: ws.root, encoding: 'utf8', env: { ...process.env, ...ws.env, ...env } });
}

/** What cargo resolves from the manifests and Cargo.lock as they are, refusing any lock change. */
function lockedMetadata(ws) {
  const result = cargo(ws, ['metadata', '--format-version', '1', '--locked', '--offline']);
  assert.equal(result.status, 0, result.stderr);
  const metadata = JSON.parse(result.stdout);
  const versions = Object.fromEntries(metadata.packages.map((pkg) => [pkg.name, pkg.version]));
  const requirements = metadata.packages.flatMap((pkg) =>
    pkg.dependencies.map((dep) => `${pkg.name} -> ${dep.rename ?? dep.name} ${dep.kind ?? 'normal'}${dep.target ? ` ${dep.target}` : ''}: ${dep.req}`),
  );
  return { versions, requirements: requirements.sort() };
}

/** Files git sees changed since the last commit. */
function changedFiles(ws) {
  return ws
    .git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3))
    .sort();
}

function replaceAll(text, replacements) {
  return replacements.reduce((result, [from, to]) => {
    assert.ok(result.includes(from), `expected ${JSON.stringify(from)} in the fixture`);
    return result.replaceAll(from, to);
  }, text);
}

/** Points the fixture's `local` registry at a running one, with its token. */
function useRegistry(ws, registry) {
  ws.write('.cargo/config.toml', `[registries.local]\nindex = "${registry.index}"\ntoken = "${registry.token}"\n`);
}

/** Every published crate reached the registry after the local crates it depends on. */
function assertDependencyOrder(log) {
  const published = log.filter((entry) => entry.outcome === 'published').map((entry) => entry.name);
  for (const [crate, dependencies] of Object.entries(DEPENDS_ON)) {
    assert.ok(published.includes(crate), `${crate} was not published: ${published.join(', ')}`);
    for (const dependency of dependencies) {
      assert.ok(published.indexOf(dependency) < published.indexOf(crate), `${crate} was published before ${dependency}: ${published.join(', ')}`);
    }
  }
}

describe('nx release version for crates', () => {
  let ws;
  before(() => {
    ws = releaseWorkspace();
  });
  after(() => ws.disposeAll());

  it('init --release puts publishable crates in groups: own versions independent, inherited ones in a fixed group', () => {
    const version = { versionActions: VERSION_ACTIONS };
    assert.deepEqual(JSON.parse(ws.read('nx.json')).release, {
      groups: {
        crates: { projects: ['api'], projectsRelationship: 'independent', version },
        'crates-workspace': { projects: ['base', 'codec'], projectsRelationship: 'fixed', version },
      },
    });
    // publish = false and a missing version: no publish target either.
    for (const project of ['tool', 'scratch']) {
      const targets = JSON.parse(ws.nxOk(['show', 'project', project, '--json']).stdout).targets;
      assert.equal(targets['nx-release-publish'], undefined, project);
    }
    const api = JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).stdout).targets['nx-release-publish'];
    assert.deepEqual({ executor: api.executor, dependsOn: api.dependsOn }, { executor: 'nx-cargo:release-publish', dependsOn: ['^nx-release-publish'] });
  });

  it('--dry-run shows the changes and writes nothing', () => {
    const run = ws.nxOk(['release', 'version', 'minor', '--dry-run'], ws.env);
    assert.match(run.output, /UPDATE Cargo\.toml \[dry-run\]/);
    assert.match(run.output, /UPDATE Cargo\.lock \[dry-run\]/);
    assert.deepEqual(changedFiles(ws), []);
  });

  it('version patch writes exactly the expected manifests, lockfile and inputs files, as cargo then resolves them', () => {
    const run = ws.nxOk(['release', 'version', 'patch'], ws.env);
    assert.match(run.output, /New version 0\.1\.1 written to Cargo\.toml \(\[workspace\.package\], inherited by base, codec\)/);
    assert.deepEqual(changedFiles(ws), ['Cargo.lock', 'Cargo.toml', 'crates/api/Cargo.toml', 'crates/base/.nx-cargo-inputs.txt', 'crates/codec/.nx-cargo-inputs.txt', 'crates/tool/Cargo.toml']);
    assert.equal(ws.read('Cargo.toml'), replaceAll(fixture('Cargo.toml'), [['version = "0.1.0" # shared', 'version = "0.1.1" # shared'], ['base = { path = "crates/base", version = "0.1.0"', 'base = { path = "crates/base", version = "0.1.1"']]));
    assert.equal(ws.read('crates/api/Cargo.toml'), replaceAll(fixture('crates/api/Cargo.toml'), [['version = "0.3.0" # its own', 'version = "0.3.1" # its own'], ['version = "0.1.0", registry', 'version = "0.1.1", registry'], ['"=0.1.0"', '"=0.1.1"']]));
    // tool is in no release (publish = false), but its requirement on api moves along, keeping its operator.
    assert.equal(ws.read('crates/tool/Cargo.toml'), replaceAll(fixture('crates/tool/Cargo.toml'), [['version = "0.3" }', 'version = "0.3.1" }']]));
    assert.equal(ws.read('Cargo.lock'), replaceAll(fixture('Cargo.lock'), [['name = "api"\nversion = "0.3.0"', 'name = "api"\nversion = "0.3.1"'], ['name = "base"\nversion = "0.1.0"', 'name = "base"\nversion = "0.1.1"'], ['name = "codec"\nversion = "0.1.0"', 'name = "codec"\nversion = "0.1.1"']]));
    for (const file of ['crates/base/Cargo.toml', 'crates/codec/Cargo.toml', 'crates/scratch/Cargo.toml']) assert.equal(ws.read(file), fixture(file), file);

    const { versions, requirements } = lockedMetadata(ws);
    assert.deepEqual(versions, { api: '0.3.1', base: '0.1.1', codec: '0.1.1', scratch: '0.0.0', tool: '0.0.1' });
    assert.deepEqual(requirements, [
      'api -> base-alias dev: =0.1.1',
      'api -> base-alias normal cfg(unix): =0.1.1',
      'api -> codec normal: ^0.1.1',
      'codec -> base normal: ^0.1.1',
      'tool -> api normal: ^0.3.1',
    ]);
    const build = cargo(ws, ['build', '--locked', '--offline']);
    assert.equal(build.status, 0, build.stderr);
    // The inputs files the release rewrote are the ones nx sync wants.
    ws.nxOk(['sync:check'], ws.env);
  });

  it('conventional commits bump what changed and its dependents, with changelogs; a second run with nothing new changes nothing', () => {
    commitAll(ws, 'chore: release patch');
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.release.version = { conventionalCommits: true, fallbackCurrentVersionResolver: 'disk' };
    nxJson.release.changelog = { projectChangelogs: { createRelease: false } };
    ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    commitAll(ws, 'chore: release by conventional commits');
    ws.write('crates/codec/src/lib.rs', `${fixture('crates/codec/src/lib.rs')}\npub fn twice() -> u32 { codec() * 2 }\n`);
    commitAll(ws, 'feat(codec): twice');

    const run = ws.nxOk(['release', '--skip-publish', '--first-release'], ws.env);
    // codec's feature is a minor step, which Nx makes a patch below 1.0 (adjustSemverBumpsForZeroMajorVersion); api follows its dependency.
    assert.match(run.output, /base 📄 Resolved the specifier as "minor" using git history/);
    assert.match(run.output, /New version 0\.1\.2 written to Cargo\.toml/);
    const { versions } = lockedMetadata(ws);
    assert.deepEqual(versions, { api: '0.3.2', base: '0.1.2', codec: '0.1.2', scratch: '0.0.0', tool: '0.0.1' });
    assert.match(readFileSync(join(ws.root, 'crates/codec/CHANGELOG.md'), 'utf8'), /twice/);
    assert.deepEqual(changedFiles(ws), [], 'nx release commits everything it wrote');
    assert.match(ws.git('tag', '--list'), /api@0\.3\.2/);
    const build = cargo(ws, ['build', '--locked', '--offline']);
    assert.equal(build.status, 0, build.stderr);

    const head = ws.git('rev-parse', 'HEAD');
    const again = ws.nxOk(['release', '--skip-publish'], ws.env);
    assert.match(again.output, /No files changed|No changes were detected/);
    assert.equal(ws.git('rev-parse', 'HEAD'), head);
    assert.deepEqual(changedFiles(ws), []);
  });
});

describe('nx release version with one fixed group', () => {
  let ws;
  before(() => {
    ws = releaseWorkspace('fixed');
  });
  after(() => ws.disposeAll());

  it('gives every publishable crate the same new version, and cargo builds it locked', () => {
    ws.nxOk(['release', 'version', 'minor'], ws.env);
    const { versions, requirements } = lockedMetadata(ws);
    // The group moves from its first project's version (api's 0.3.0); a minor step below 1.0 is a patch in Nx.
    assert.deepEqual(versions, { api: '0.3.1', base: '0.3.1', codec: '0.3.1', scratch: '0.0.0', tool: '0.0.1' });
    assert.ok(requirements.includes('codec -> base normal: ^0.3.1'), requirements.join('\n'));
    assert.ok(requirements.includes('tool -> api normal: ^0.3.1'), requirements.join('\n'));
    const build = cargo(ws, ['build', '--locked', '--offline']);
    assert.equal(build.status, 0, build.stderr);
  });

  it('refuses a crate that inherits its version outside a fixed group, naming the crates and the group', () => {
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.release.groups.crates.projectsRelationship = 'independent';
    ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    const run = ws.nx(['release', 'version', 'patch', '--dry-run'], ws.env);
    assert.notEqual(run.status, 0);
    assert.match(run.output, /base, codec take their version from \[workspace\.package\] in Cargo\.toml, so they are versioned together: put all of them in one release group with "projectsRelationship": "fixed" \(release group "crates" is independent\)/);
  });
});

/**
 * A registry that takes its time with each upload: a crate whose publish
 * started before its dependency was uploaded fails to resolve it.
 */
const SLOW_UPLOADS = { uploadDelayMs: 1500 };

/** A workspace of one fixed release group that publishes to a fresh slow registry: the publish-order suite and its negative control start alike. */
async function publishingToSlowRegistry() {
  const registry = await startCargoRegistry(SLOW_UPLOADS);
  const ws = releaseWorkspace('fixed');
  useRegistry(ws, registry);
  return { ws, registry };
}

// One release group, so that only the tasks' dependsOn orders the crates (Nx publishes group after group),
// and tasks in parallel, so that nothing else does (one at a time, Nx picks them in project graph order).
describe('nx release publish for crates', () => {
  let ws;
  let registry;
  before(async () => {
    ({ ws, registry } = await publishingToSlowRegistry());
    commitAll(ws, 'chore: use the test registry');
  });
  after(async () => {
    ws.disposeAll();
    await registry.close();
  });

  it('publishes every publishable crate after the local crates it depends on', async () => {
    const run = ws.nxOk(['release', 'publish', '--registry=local', '--parallel=3'], ws.env);
    const log = await registry.log();
    assertDependencyOrder(log);
    assert.deepEqual(log.map((entry) => `${entry.name}@${entry.version} ${entry.outcome}`), ['base@0.1.0 published', 'codec@0.1.0 published', 'api@0.3.0 published']);
    assert.match(run.output, /Published api v0\.3\.0 at registry `local`/);
  });

  it('a second run skips the versions the registry has, saying so', async () => {
    const run = ws.nxOk(['release', 'publish'], ws.env);
    for (const crate of ['base@0.1.0', 'codec@0.1.0', 'api@0.3.0']) assert.match(run.output, new RegExp(`nx-cargo: ${crate} is on registry \`local\` already: skipped`));
    assert.equal((await registry.log()).length, 3);
  });

  it('--dry-run packages new versions against their unpublished dependencies and uploads nothing', async () => {
    ws.nxOk(['release', 'version', 'patch'], ws.env);
    commitAll(ws, 'chore: release patch');
    const run = ws.nxOk(['release', 'publish', '--dry-run'], ws.env);
    assert.match(run.output, /Uploading api v0\.3\.1 .* aborting upload due to dry run/);
    assert.equal((await registry.log()).length, 3);
    assert.deepEqual(await registry.versions('api'), ['0.3.0']);
  });

  it('publishes the new versions, and another workspace builds against them from the registry', async (t) => {
    ws.nxOk(['release', 'publish'], ws.env);
    assert.deepEqual((await registry.log()).slice(3).map((entry) => `${entry.name}@${entry.version} ${entry.outcome}`), ['base@0.3.1 published', 'codec@0.3.1 published', 'api@0.3.1 published']);

    const consumer = mkdtempSync(join(tmpdir(), 'nx-cargo-consumer-'));
    t.after(() => rmSync(consumer, { recursive: true, force: true }));
    mkdirSync(join(consumer, '.cargo'));
    mkdirSync(join(consumer, 'src'));
    writeFileSync(join(consumer, '.cargo/config.toml'), `[registries.local]\nindex = "${registry.index}"\n`);
    writeFileSync(join(consumer, 'Cargo.toml'), '[package]\nname = "consumer"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\napi = { version = "=0.3.1", registry = "local" }\n');
    writeFileSync(join(consumer, 'src/main.rs'), 'fn main() { println!("{}", api::api()); }\n');
    const env = { ...process.env, ...ws.env };
    const out = execFileSync('cargo', ['run', '--quiet'], { cwd: consumer, encoding: 'utf8', env });
    assert.equal(out.trim(), '3');
    const lock = readFileSync(join(consumer, 'Cargo.lock'), 'utf8');
    for (const crate of ['api"\nversion = "0.3.1', 'base"\nversion = "0.3.1', 'codec"\nversion = "0.3.1']) assert.match(lock, new RegExp(`name = "${crate}"\nsource = "sparse\\+http://127\\.0\\.0\\.1`));
  });
});

describe('nx release publish when the registry refuses a crate', () => {
  let registry;
  const workspaces = [];
  before(async () => {
    registry = await startCargoRegistry({ reject: { codec: 'crate `codec` is on hold by the registry policy' } });
  });
  after(async () => {
    for (const ws of workspaces) ws.disposeAll();
    await registry.close();
  });

  it("names the crate, the registry and cargo's error, and does not publish its dependents", async () => {
    // Two groups: Nx publishes base and codec, then api with the tasks it depends on (base and codec again).
    const ws = releaseWorkspace();
    workspaces.push(ws);
    useRegistry(ws, registry);
    const run = ws.nx(['release', 'publish', '--parallel=1'], ws.env);
    assert.notEqual(run.status, 0);
    assert.match(
      run.output,
      /nx-cargo: could not publish codec@0\.1\.0 to registry `local`: failed to publish codec v0\.1\.0 to registry at http:\/\/127\.0\.0\.1:\d+: the remote server responded with an error \(status 400 Bad Request\): crate `codec` is on hold by the registry policy/,
    );
    const log = (await registry.log()).map((entry) => `${entry.name} ${entry.outcome}`);
    assert.deepEqual(log.slice(0, 2), ['base published', 'codec rejected']);
    assert.deepEqual(log.filter((entry) => entry.startsWith('api')), []);
    assert.doesNotMatch(run.output, /Packaging api/);
  });
});

describe('negative control: publishing without the dependency-order edge', () => {
  let ws;
  let registry;
  before(async () => {
    ({ ws, registry } = await publishingToSlowRegistry());
    // A user's targetDefaults entry replaces the inferred dependsOn: the only change from 'nx release publish for crates'.
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.targetDefaults = { 'nx-release-publish': { dependsOn: [] } };
    ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
  });
  after(async () => {
    ws.disposeAll();
    await registry.close();
  });

  it('the order assertion fails', async () => {
    assert.deepEqual(JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).stdout).targets['nx-release-publish'].dependsOn, []);
    ws.nx(['release', 'publish', '--registry=local', '--parallel=3'], ws.env);
    const log = await registry.log();
    assert.throws(() => assertDependencyOrder(log), /was not published|was published before/);
  });
});
