#!/usr/bin/env node
// crate-cache benchmark: what the built-in rustc cache (packages/crate-cache,
// cargo's RUSTC_WRAPPER) costs on a cold build and saves on a warm one, next
// to no wrapper at all, to sccache and to kache.
//
//   node tools/bench/crate-cache/run.mjs [--runs 3] [--only baseline,ours,unrecorded,nx,remote,sccache,kache] [--wrapper <path>]
//
// "ours" is the package as a user installs it (tools/support/installed-packages.mjs:
// the packed tarballs installed beside nx), its wrapper what the installed
// `nx-cargo-crate-cache wrapper` gives cargo (the native client, built on first use).
// Needs a current sccache from crates.io on PATH (`cargo install sccache --locked`)
// and kache at the tests' pinned version (tools/support/kache.mjs; on PATH, or
// installed by `node tools/support/ensure-test-tools.mjs`); the fixture's
// crates come from crates.io.
//
// fixture.mjs writes a virtual workspace of 4 member crates over ~64 external
// crates into a temp dir, with its pinned Cargo.lock, and a copy of it at another absolute path (for the
// relocated rows). Then, round after round so that machine noise spreads over
// all of them, it times `cargo build --offline`:
//   1. no wrapper, cold (`cargo clean` first);
//   2. ours cold: empty store (NX_CARGO_CRATE_CACHE_DIR), `cargo clean`;
//   2b. ours cold with the recording of proc-macro reads switched off (the
//      test-only NX_CARGO_CRATE_CACHE_TEST_RECORD=off), in a store of its own:
//      what the recording costs;
//   3. ours warm: `cargo clean`, the store as (2) left it: every unit should be restored;
//   4. ours relocated: the copy, no target dir, the same store;
//   4a-4b. ours through nx: `nx run-many -t build --skip-nx-cache` in the
//      same workspace (an Nx workspace with the plugin installed), in a store
//      of its own: (4a) cold, an empty store, target/ removed; (4b) warm,
//      target/ removed, the store as (4a) left it. Nx's batch splits the
//      members over cargo runs by their features, so its units are not all
//      those of one `cargo build --workspace` (which unifies features across
//      members): a store filled by (2) would make it compile those, which no
//      cache should serve; every unit should be restored once;
//   4c-4f. ours with an S3 remote (moto on 127.0.0.1, started by the benchmark;
//      a fresh prefix each round): (4c) machine A cold with writing on, timed
//      until its uploads are done (`nx-cargo-crate-cache flush`, as a CI job
//      waits); (4d) machine B: the relocated copy, an empty store, reading
//      the remote; (4e) machine B through `nx run-many -t build
//      --skip-nx-cache`: target/ removed, an empty store, reading what A
//      uploaded through nx (an untimed run of A's through nx first, to a
//      prefix of its own, for the reason of 4a-4b);
//      (4f) machine B with the remote down (connection refused), an empty store;
//   5-7. the same three with sccache: an empty SCCACHE_DIR for (5), and a
//      fresh server for each build (started untimed before it, stopped after
//      its stats are read) on a port of its own, so a user's server is left alone;
//   8-10. the same three with kache at its defaults: an empty KACHE_CACHE_DIR
//      for (8), its daemon (one per cache dir) started untimed before (8) and
//      kept, as a user's would be, stopped at the end. kache copies another
//      checkout's registry units into a target dir cargo has not built
//      (its seed_new_targets default), so cargo may build fewer packages:
//      the row says how many it took that way.
// Nothing else is measured. Every sample is checked, so a broken run is never
// timed as a fast one: cargo exits 0, reports every package as compiled (the
// target dir is empty each time, so cargo hands every unit to the wrapper),
// and the built `app` binary prints what the first build's printed.
// Cache counts per build: sccache's own stats; kache's report for the build's
// own event root (KACHE_EVENT_ROOT); ours from
// `node packages/crate-cache/dist/bin/cli.js stats --json` read before and
// after the build, when that exists, otherwise none. Prints medians, min, max and the
// ratios against their targets; writes nothing into the repo.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findKache, KACHE_VERSION } from '../../support/kache.mjs';
import { NX_ENV, NxWorkspace } from '../../support/nx-workspace.mjs';
import { BenchError, checkCargo, formatMs, formatRatio, formatTable, lastLines, log, measureRounds, medianOf, positiveInt, REPO_ROOT, runBench, timed } from '../support.mjs';
import { externalPackages, writeFixture } from './fixture.mjs';

const GROUPS = ['baseline', 'ours', 'unrecorded', 'nx', 'remote', 'sccache', 'kache'];
/** What the fixture's binary is run with to check a build (prints a count and a digest). */
const APP_ARGS = ['--count', '20'];
/** Variables that would change what is measured; every build starts without them. */
const CLEARED_ENV = /^(RUSTC_WRAPPER|RUSTC_WORKSPACE_WRAPPER|CARGO_BUILD_RUSTC_WRAPPER|CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER|CARGO_TARGET_DIR|CARGO_BUILD_TARGET_DIR|CARGO_INCREMENTAL|SCCACHE_.*|KACHE_.*|NX_CARGO_CRATE_CACHE_.*)$/;

await runBench(() => main(parseOptions(process.argv.slice(2))));

async function main(options) {
  checkCargo();
  const tools = checkTools(options);
  const fixture = prepare(tools);
  try {
    if (options.only.has('remote')) fixture.remote = await startRemote(fixture);
    const columns = columnsFor(fixture, options.only);
    const started = performance.now();
    measureRounds(columns, options.runs, { name: 'short', heading: (run) => `run ${run}/${options.runs} (ms)`, format: formatSample });
    log(`measured in ${Math.round((performance.now() - started) / 1000)} s`);
    printReport(fixture, columns, options);
    if (Object.values(columns).some((column) => column.error)) process.exitCode = 1;
  } finally {
    if (fixture.sccache) stopSccache(fixture);
    await fixture.remote?.stop();
    if (fixture.kache) stopKache(fixture);
    fixture.ws?.dispose();
    for (const dir of fixture.tempDirs) rmSync(dir, { recursive: true, force: true });
  }
}

// --- options and prerequisites ----------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '3' }, only: { type: 'string', default: GROUPS.join(',') }, wrapper: { type: 'string' } } });
  const only = new Set(values.only.split(',').map((group) => group.trim()).filter(Boolean));
  const unknown = [...only].filter((group) => !GROUPS.includes(group));
  if (unknown.length > 0 || only.size === 0) throw new BenchError(`--only takes a comma-separated list of ${GROUPS.join(', ')}, got "${values.only}"`);
  if ((only.has('nx') || only.has('unrecorded')) && !only.has('ours')) throw new BenchError('--only nx and unrecorded need ours too (its wrapper; the nx row restores from the store the cold row of ours fills)');
  if (only.has('remote') && !only.has('ours')) throw new BenchError('--only remote needs ours too: its rows run our wrapper');
  return { runs: positiveInt(values.runs, '--runs'), only, wrapper: values.wrapper ? resolve(values.wrapper) : undefined };
}

/**
 * The Nx workspace the fixture is written into (its node_modules: the
 * installed packages), our wrapper (executable: cargo runs it directly) and
 * CLI, and sccache, for the groups that use them.
 */
function checkTools({ only, wrapper: given }) {
  const tools = { wrapper: undefined, sccache: undefined, kache: undefined, ws: undefined, statsCli: undefined };
  if (only.has('ours')) {
    log('installing the packed packages beside nx');
    tools.ws = new NxWorkspace();
    tools.statsCli = tools.ws.bin('nx-cargo-crate-cache');
    const wrapper = given ?? installedWrapper(tools.statsCli);
    if (!existsSync(wrapper)) throw new BenchError(`${wrapper} is missing: run \`npm run build\` first, pass --wrapper <path>, or leave ours out with --only baseline,sccache`);
    try {
      accessSync(wrapper, constants.X_OK);
    } catch {
      throw new BenchError(`${wrapper} is not executable: cargo runs RUSTC_WRAPPER directly (it needs a shebang and the x bit; packages/crate-cache/bin/nx-cargo-rustc is a shim that is)`);
    }
    tools.wrapper = wrapper;
  }
  if (only.has('sccache')) {
    const version = spawnSync('sccache', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) throw new BenchError('sccache is not on PATH: cargo install --locked sccache (or leave it out with --only)');
    tools.sccache = version.stdout.trim();
  }
  if (only.has('kache')) {
    tools.kache = findKache();
    if (!tools.kache) throw new BenchError(`kache ${KACHE_VERSION} is not installed: node tools/support/ensure-test-tools.mjs, or cargo install kache --version =${KACHE_VERSION} (or leave it out with --only)`);
  }
  return tools;
}

/** What the installed CLI gives cargo; a wrapper that is not the native client is reported, since it is the slow path. */
function installedWrapper(cli) {
  const result = spawnSync(process.execPath, [cli, 'wrapper', '--json'], { encoding: 'utf8' });
  if (result.status !== 0) throw new BenchError(`nx-cargo-crate-cache wrapper failed:\n${lastLines(`${result.stdout}\n${result.stderr}`)}`);
  const { wrapper, native, reason } = JSON.parse(result.stdout);
  if (!native) log(`warning: the native client could not be built (${reason}); ours runs the in-process wrapper`);
  return wrapper;
}

// --- the fixture ----------------------------------------------------------------

/**
 * The workspace and its relocated copy (written before any target dir
 * exists), the stores, and what a build must produce.
 */
function prepare(tools) {
  const temp = (name) => mkdtempSync(join(tmpdir(), `nx-cargo-bench-crate-cache-${name}-`));
  const main = tools.ws?.root ?? temp('ws');
  // A different name and depth, so no path of the original is a prefix of the copy's.
  const moved = join(temp('moved'), 'elsewhere/checkout');
  const fixture = { main, moved, tempDirs: [main, dirname(dirname(moved))], ...tools, loadBefore: loadavg()[0].toFixed(2) };
  log(`writing the fixture into ${main}`);
  let members;
  try {
    members = writeFixture(main);
  } catch (error) {
    for (const dir of fixture.tempDirs) rmSync(dir, { recursive: true, force: true });
    throw new BenchError(error.message);
  }
  // The copy is a Cargo workspace only: no node_modules link, no Nx state.
  cpSync(main, moved, { recursive: true, filter: (source) => !/\/(node_modules|\.nx)$/.test(source) });
  fixture.members = members.length;
  fixture.external = externalPackages(main).length;
  // cargo prints `Compiling` once per package it builds from an empty target dir.
  fixture.packages = fixture.members + fixture.external;
  if (tools.wrapper) {
    fixture.oursStore = temp('store');
    fixture.unrecordedStore = temp('store-unrecorded');
    fixture.nxStore = temp('nx-store');
    fixture.tempDirs.push(fixture.oursStore, fixture.unrecordedStore, fixture.nxStore);
    // The project graph, once, so that the nx row times the tasks (Nx reuses it while no Cargo file changes).
    tools.ws.nxOk(['show', 'projects']);
  }
  if (tools.sccache) {
    fixture.sccacheDir = temp('sccache');
    fixture.tempDirs.push(fixture.sccacheDir);
    // A port of its own (not the default 4226), so --stop-server never ends a user's server.
    fixture.sccacheEnv = { SCCACHE_DIR: fixture.sccacheDir, SCCACHE_SERVER_PORT: String(42000 + (process.pid % 1000)) };
  }
  if (tools.kache) {
    const kacheHome = temp('kache');
    fixture.tempDirs.push(kacheHome);
    // Its defaults whatever the user's or the host's config says; its daemon's socket lives in the cache dir.
    writeFileSync(join(kacheHome, 'config.toml'), '');
    fixture.kacheEnv = { KACHE_CACHE_DIR: join(kacheHome, 'cache'), KACHE_CONFIG: join(kacheHome, 'config.toml'), KACHE_HOST_CONFIG: '' };
  }
  return fixture;
}

// --- columns ----------------------------------------------------------------------

/**
 * The rows, in the order a round runs them: each warm row relies on the cold
 * row of its group having filled the store earlier in the same round.
 */
function columnsFor(fixture, only) {
  const round = {};
  const columns = {
    baselineCold: { group: 'baseline', short: 'none-cold', label: 'no wrapper, cold', measure: () => baselineCold(fixture) },
    oursCold: { group: 'ours', short: 'ours-cold', label: 'ours, cold (empty store, proc-macro reads recorded)', measure: () => oursCold(fixture, round) },
    oursColdUnrecorded: { group: 'unrecorded', short: 'ours-cold-unrecorded', label: 'ours, cold, recording off (test-only switch)', measure: () => oursColdUnrecorded(fixture) },
    oursWarm: { group: 'ours', short: 'ours-warm', label: 'ours, warm (cargo clean, store filled)', measure: () => oursWarm(fixture, round, fixture.main, 'warm') },
    oursMoved: { group: 'ours', short: 'ours-relocated', label: 'ours, relocated (copy, same store)', measure: () => oursWarm(fixture, round, fixture.moved, 'relocated') },
    oursNxCold: { group: 'nx', short: 'ours-nx-cold', label: 'ours through nx run-many -t build, cold (empty store)', measure: () => oursThroughNxCold(fixture, round) },
    oursNx: { group: 'nx', short: 'ours-nx', label: 'ours through nx run-many -t build, warm', measure: () => oursThroughNx(fixture, round) },
    remoteWrite: { group: 'remote', short: 'remote-a', label: 'ours cold, writing the remote (A, until uploaded)', measure: () => remoteWrite(fixture, round) },
    remoteRead: { group: 'remote', short: 'remote-b', label: 'ours with the remote (B: relocated, empty store)', measure: () => remoteRead(fixture, round) },
    remoteNx: { group: 'remote', short: 'remote-b-nx', label: 'ours with the remote through nx run-many (B, empty store)', measure: () => remoteThroughNx(fixture, round) },
    remoteDown: { group: 'remote', short: 'remote-down', label: 'ours with the remote down (B, empty store)', measure: () => remoteDown(fixture) },
    sccacheCold: { group: 'sccache', short: 'sccache-cold', label: 'sccache, cold (empty SCCACHE_DIR)', measure: () => sccacheCold(fixture, round) },
    sccacheWarm: { group: 'sccache', short: 'sccache-warm', label: 'sccache, warm (cargo clean, cache filled)', measure: () => sccacheWarm(fixture, round, fixture.main, 'warm') },
    sccacheMoved: { group: 'sccache', short: 'sccache-relocated', label: 'sccache, relocated (copy, same cache)', measure: () => sccacheWarm(fixture, round, fixture.moved, 'relocated') },
    kacheCold: { group: 'kache', short: 'kache-cold', label: 'kache, cold (empty KACHE_CACHE_DIR)', measure: () => kacheCold(fixture, round) },
    kacheWarm: { group: 'kache', short: 'kache-warm', label: 'kache, warm (cargo clean, cache filled)', measure: () => kacheWarm(fixture, round, fixture.main, 'warm') },
    kacheMoved: { group: 'kache', short: 'kache-relocated', label: 'kache, relocated (copy, same cache)', measure: () => kacheWarm(fixture, round, fixture.moved, 'relocated') },
  };
  for (const column of Object.values(columns)) if (!only.has(column.group)) column.unavailable = `left out by --only`;
  return columns;
}

function baselineCold(fixture) {
  cargoClean(fixture.main);
  return buildSample(fixture, fixture.main, {}, 'cargo build, no wrapper (cold)');
}

function oursCold(fixture, round) {
  round.oursFilled = false;
  emptyDir(fixture.oursStore);
  cargoClean(fixture.main);
  const sample = withOursStats(fixture, () => buildSample(fixture, fixture.main, oursEnv(fixture, fixture.main), 'cargo build with ours (cold)'));
  round.oursFilled = true;
  return sample;
}

/** What recording proc-macro reads costs: the same cold build with it switched off, in a store of its own. */
function oursColdUnrecorded(fixture) {
  emptyDir(fixture.unrecordedStore);
  cargoClean(fixture.main);
  const env = { ...oursEnv(fixture, fixture.main), NX_CARGO_CRATE_CACHE_DIR: fixture.unrecordedStore, NX_CARGO_CRATE_CACHE_TEST_RECORD: 'off' };
  return buildSample(fixture, fixture.main, env, 'cargo build with ours, recording off (cold)');
}

/** Warm in `root`: the original after `cargo clean`, or the copy with no target dir. */
function oursWarm(fixture, round, root, kind) {
  if (!round.oursFilled) throw new BenchError(`ours ${kind}: the cold build of this round did not fill the store`);
  cargoClean(root);
  return withOursStats(fixture, () => buildSample(fixture, root, oursEnv(fixture, root), `cargo build with ours (${kind})`));
}

/**
 * `nx run-many -t build` after removing target/, Nx's task cache skipped:
 * what a task-cache miss costs through the plugin's batch executor, with the
 * crate store warm. Counts restores per unit from the store's event log.
 */
/** `nx run-many -t build --skip-nx-cache` in the Nx workspace, target/ removed first; checked, and timed. */
function nxRunMany(fixture, env, what) {
  rmSync(join(fixture.main, 'target'), { recursive: true, force: true });
  const { ms, result } = timed(() => spawnSync(process.execPath, [fixture.ws.packages.nxBin, 'run-many', '-t', 'build', '--skip-nx-cache', '--output-style=static'], { cwd: fixture.main, env: buildEnv({ ...NX_ENV, NX_CACHE_DIRECTORY: join(fixture.main, '.nx/cache'), ...env }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (result.status !== 0) throw new BenchError(`nx run-many -t build (${what}) exited ${result.status}:\n${lastLines(`${result.stdout}\n${result.stderr}`)}`);
  checkApp(fixture, fixture.main, `nx run-many -t build (${what})`);
  return ms;
}

function oursThroughNxCold(fixture, round) {
  round.nxFilled = false;
  emptyDir(fixture.nxStore);
  const started = Date.now();
  const ms = nxRunMany(fixture, { NX_CARGO_CRATE_CACHE_DIR: fixture.nxStore }, 'cold');
  round.nxFilled = true;
  return { ms, cache: restoresSince(fixture.nxStore, started) };
}

function oursThroughNx(fixture, round) {
  if (!round.nxFilled) throw new BenchError('ours through nx: the cold run through nx of this round did not fill its store');
  const started = Date.now();
  const ms = nxRunMany(fixture, { NX_CARGO_CRATE_CACHE_DIR: fixture.nxStore }, 'warm');
  return { ms, cache: restoresSince(fixture.nxStore, started) };
}

/** Restores and compiles the store logged since `started`, and how many distinct units were restored. */
function restoresSince(store, started) {
  const events = readFileSync(join(store, 'events', 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((event) => event.at >= started);
  const hits = events.filter((event) => event.result === 'hit');
  const distinct = new Set(hits.map((event) => event.key)).size;
  const compiled = events.filter((event) => event.result === 'miss' || event.result === 'passthrough').length;
  return { restored: hits.length, compiled, detail: `${hits.length} restores of ${distinct} distinct units${hits.length === distinct ? ' (each once)' : ''}` };
}

function oursEnv(fixture, root) {
  return { RUSTC_WRAPPER: fixture.wrapper, NX_CARGO_CRATE_CACHE_DIR: fixture.oursStore, NX_CARGO_CRATE_CACHE_WORKSPACE: root };
}

// --- the remote ------------------------------------------------------------------

/**
 * moto (the S3 server of the tests) on 127.0.0.1, one bucket, and a key
 * pair; each round writes under a prefix of its own, so machine A uploads
 * everything every round.
 */
async function startRemote(fixture) {
  const dist = (path) => join(REPO_ROOT, 'packages/crate-cache/dist', path);
  const { MOTO_CREDENTIALS, motoPython, startMoto } = await import(dist('remote/testing/servers.js'));
  const { generateSigningKey } = await import(dist('remote/signing.js'));
  // The SDK's Node-version notice would land in the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const python = motoPython();
  if ('unavailable' in python) throw new BenchError(python.unavailable);
  log('starting moto (installed on first use)');
  const moto = await startMoto(python.python);
  const bucket = 'crate-cache-bench';
  const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const temp = (name) => mkdtempSync(join(tmpdir(), `nx-cargo-bench-crate-cache-${name}-`));
  const stores = { a: temp('remote-a'), b: temp('remote-b') };
  fixture.tempDirs.push(stores.a, stores.b);
  const keys = generateSigningKey();
  const env = (endpoint, prefix, write) => ({
    ...MOTO_CREDENTIALS,
    NX_CARGO_CRATE_CACHE_REMOTE_BUCKET: bucket,
    NX_CARGO_CRATE_CACHE_REMOTE_ENDPOINT: endpoint,
    NX_CARGO_CRATE_CACHE_REMOTE_PREFIX: prefix,
    NX_CARGO_CRATE_CACHE_REMOTE_TRUSTED_KEYS: keys.publicKey,
    ...(write ? { NX_CARGO_CRATE_CACHE_REMOTE_WRITE: 'true', NX_CARGO_CRATE_CACHE_REMOTE_SIGNING_KEY: keys.privateKeyPem } : {}),
  });
  return { stores, rounds: 0, prefix: undefined, env, endpoint: moto.endpoint, stop: () => moto.stop() };
}

/** Machine A: cold, an empty store, writing the remote under a new prefix; timed until the uploads are done. */
function remoteWrite(fixture, round) {
  const { remote } = fixture;
  round.remoteFilled = false;
  remote.prefix = `round-${++remote.rounds}/`;
  emptyDir(remote.stores.a);
  cargoClean(fixture.main);
  const env = { ...oursEnv(fixture, fixture.main), NX_CARGO_CRATE_CACHE_DIR: remote.stores.a, ...remote.env(remote.endpoint, remote.prefix, true) };
  const sample = withOursStats(fixture, () => {
    const build = buildSample(fixture, fixture.main, env, 'cargo build with ours writing the remote (cold)');
    const flush = timed(() => spawnSync(process.execPath, [fixture.statsCli, 'flush'], { env: buildEnv({ NX_CARGO_CRATE_CACHE_DIR: remote.stores.a }), encoding: 'utf8' }));
    if (flush.result.status !== 0) throw new BenchError(`nx-cargo-crate-cache flush failed:\n${lastLines(flush.result.stderr)}`);
    return { ...build, ms: build.ms + flush.ms };
  }, remote.stores.a);
  round.remoteFilled = true;
  return sample;
}

/** Machine B: the relocated copy, no target dir, an empty store, reading what A uploaded this round. */
function remoteRead(fixture, round) {
  if (!round.remoteFilled) throw new BenchError('remote read: the writing row of this round did not fill the remote');
  const { remote } = fixture;
  emptyDir(remote.stores.b);
  cargoClean(fixture.moved);
  const env = { ...oursEnv(fixture, fixture.moved), NX_CARGO_CRATE_CACHE_DIR: remote.stores.b, ...remote.env(remote.endpoint, remote.prefix, false) };
  return withOursStats(fixture, () => buildSample(fixture, fixture.moved, env, 'cargo build with ours reading the remote (B)'), remote.stores.b);
}

/**
 * Machine B through nx: `nx run-many -t build --skip-nx-cache`, target/
 * removed, an empty store, reading what A uploaded through nx (untimed
 * here, to a prefix of its own; its flush waits for the uploads).
 */
function remoteThroughNx(fixture, round) {
  if (!round.remoteFilled) throw new BenchError('remote through nx: the writing row of this round did not fill the remote');
  const { remote } = fixture;
  const prefix = `${remote.prefix}nx/`;
  emptyDir(remote.stores.a);
  nxRunMany(fixture, { NX_CARGO_CRATE_CACHE_DIR: remote.stores.a, ...remote.env(remote.endpoint, prefix, true) }, 'A writing the remote');
  const flush = spawnSync(process.execPath, [fixture.statsCli, 'flush'], { env: buildEnv({ NX_CARGO_CRATE_CACHE_DIR: remote.stores.a }), encoding: 'utf8' });
  if (flush.status !== 0) throw new BenchError(`nx-cargo-crate-cache flush failed:\n${lastLines(flush.stderr)}`);
  emptyDir(remote.stores.b);
  const started = Date.now();
  const ms = nxRunMany(fixture, { NX_CARGO_CRATE_CACHE_DIR: remote.stores.b, ...remote.env(remote.endpoint, prefix, false) }, 'B reading the remote');
  return { ms, cache: restoresSince(remote.stores.b, started) };
}

/** Machine B with the remote down: every lookup's first calls are refused, then the remote is skipped. */
function remoteDown(fixture) {
  const { remote } = fixture;
  emptyDir(remote.stores.b);
  cargoClean(fixture.moved);
  // Port 9 (discard): nothing listens there on loopback, so connections are refused at once.
  const env = { ...oursEnv(fixture, fixture.moved), NX_CARGO_CRATE_CACHE_DIR: remote.stores.b, ...remote.env('http://127.0.0.1:9', 'down/', false) };
  return withOursStats(fixture, () => buildSample(fixture, fixture.moved, env, 'cargo build with ours and the remote down (B)'), remote.stores.b);
}

function sccacheCold(fixture, round) {
  round.sccacheFilled = false;
  stopSccache(fixture);
  emptyDir(fixture.sccacheDir);
  const sample = sccacheBuild(fixture, fixture.main, 'cold');
  round.sccacheFilled = true;
  return sample;
}

function sccacheWarm(fixture, round, root, kind) {
  if (!round.sccacheFilled) throw new BenchError(`sccache ${kind}: the cold build of this round did not fill the cache`);
  return sccacheBuild(fixture, root, kind);
}

/**
 * One build through a fresh sccache server, started before the clock (as a
 * user's would already be running) and stopped after its stats are read, so
 * the stats are this build's alone.
 */
function sccacheBuild(fixture, root, kind) {
  cargoClean(root);
  const start = sccache(fixture, ['--start-server']);
  if (start.status !== 0) throw new BenchError(`sccache --start-server failed:\n${lastLines(`${start.stdout}\n${start.stderr}`)}`);
  try {
    const sample = buildSample(fixture, root, { RUSTC_WRAPPER: 'sccache', ...fixture.sccacheEnv }, `cargo build with sccache (${kind})`);
    return { ...sample, cache: sccacheStats(fixture) };
  } finally {
    stopSccache(fixture);
  }
}

/** A cold kache: its daemon stopped, its cache dir emptied, a fresh daemon started before the clock. */
function kacheCold(fixture, round) {
  round.kacheFilled = false;
  stopKache(fixture);
  emptyDir(fixture.kacheEnv.KACHE_CACHE_DIR);
  const start = kache(fixture, ['daemon', 'start']);
  if (start.status !== 0) throw new BenchError(`kache daemon start failed:\n${lastLines(`${start.stdout}\n${start.stderr}`)}`);
  cargoClean(fixture.main);
  const sample = kacheBuild(fixture, fixture.main, 'cold');
  round.kacheFilled = true;
  return sample;
}

function kacheWarm(fixture, round, root, kind) {
  if (!round.kacheFilled) throw new BenchError(`kache ${kind}: the cold build of this round did not fill the cache`);
  cargoClean(root);
  return kacheBuild(fixture, root, kind);
}

/** One build under kache, its events filed under a root of their own so that its report is this build's alone. */
function kacheBuild(fixture, root, kind) {
  const eventRoot = join(root, '.kache-runs', randomUUID());
  const sample = buildSample(fixture, root, { RUSTC_WRAPPER: fixture.kache, KACHE_EVENT_ROOT: eventRoot, ...fixture.kacheEnv }, `cargo build with kache (${kind})`, { seeded: true });
  return { ...sample, cache: kacheStats(fixture, eventRoot, sample) };
}

function kache(fixture, args) {
  return spawnSync(fixture.kache, args, { env: buildEnv(fixture.kacheEnv), encoding: 'utf8' });
}

/** Ends this benchmark's daemon, if one runs. */
function stopKache(fixture) {
  kache(fixture, ['daemon', 'stop']);
}

/**
 * kache's summary for one build: restored = its hits, compiled = misses and
 * dups (build-script runs it caches count as units too), and the packages it
 * seeded into the target dir, which cargo then did not build.
 */
function kacheStats(fixture, eventRoot, sample) {
  const result = kache(fixture, ['report', '--format', 'json', '--root', eventRoot]);
  if (result.status !== 0) return undefined;
  const { summary } = JSON.parse(result.stdout);
  const seeded = fixture.packages - sample.compiled;
  const details = [`${summary.misses} misses, ${summary.dups} dups, ${summary.passthroughs} passed through, ${summary.errors} errors`, seeded > 0 ? `${seeded} packages seeded from another checkout's target dir` : ''];
  return { restored: summary.local_hits + summary.prefetch_hits + summary.remote_hits, compiled: summary.misses + summary.dups, detail: details.filter(Boolean).join('; ') };
}

// --- one build ------------------------------------------------------------------

/**
 * Times `cargo build` in `root` with `env` added, and checks what it built.
 * `seeded`: cargo may find packages already built (kache copies them in).
 */
function buildSample(fixture, root, env, what, { seeded = false } = {}) {
  const { ms, result } = timed(() => spawnSync('cargo', ['build', '--offline'], { cwd: root, env: buildEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (result.error) throw new BenchError(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new BenchError(`${what} exited ${result.status}:\n${lastLines(`${result.stdout}\n${result.stderr}`)}`);
  const compiled = result.stderr.split('\n').filter((line) => /^\s*Compiling /.test(line)).length;
  if (seeded ? compiled > fixture.packages : compiled !== fixture.packages) throw new BenchError(`${what} compiled ${compiled} packages, expected ${fixture.packages} (the target dir was empty)`);
  checkApp(fixture, root, what);
  return { ms, compiled };
}

/** The built binary runs and prints what the first build's did: restored outputs work. */
function checkApp(fixture, root, what) {
  const run = spawnSync(join(root, 'target/debug/app'), APP_ARGS, { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new BenchError(`after ${what}, target/debug/app ${APP_ARGS.join(' ')} failed: ${run.error?.message ?? lastLines(run.stderr)}`);
  fixture.appOutput ??= run.stdout;
  if (run.stdout !== fixture.appOutput) throw new BenchError(`after ${what}, target/debug/app printed\n${run.stdout}\ninstead of\n${fixture.appOutput}`);
}

function buildEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CLEARED_ENV.test(key)));
  // Nothing here needs the network; a stray index update must not be timed.
  return { ...env, CARGO_NET_OFFLINE: 'true', ...extra };
}

function cargoClean(root) {
  const result = spawnSync('cargo', ['clean', '--offline'], { cwd: root, env: buildEnv({}), encoding: 'utf8' });
  if (result.status !== 0) throw new BenchError(`cargo clean failed in ${root}:\n${lastLines(result.stderr)}`);
  if (existsSync(join(root, 'target'))) throw new BenchError(`cargo clean left ${join(root, 'target')} behind`);
}

function emptyDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

// --- cache counts ------------------------------------------------------------------

function sccache(fixture, args) {
  return spawnSync('sccache', args, { env: buildEnv(fixture.sccacheEnv), encoding: 'utf8' });
}

/** Ends this benchmark's server, if one runs (a non-zero exit just means none did). */
function stopSccache(fixture) {
  sccache(fixture, ['--stop-server']);
}

/** Restored = cache hits; compiled = misses, cache errors (it compiles then) and calls it does not cache. */
function sccacheStats(fixture) {
  const result = sccache(fixture, ['--show-stats', '--stats-format', 'json']);
  if (result.status !== 0) return undefined;
  const { stats } = JSON.parse(result.stdout);
  const total = (counter) => Object.values(counter?.counts ?? {}).reduce((sum, count) => sum + count, 0);
  const hits = total(stats.cache_hits);
  const misses = total(stats.cache_misses);
  const errors = total(stats.cache_errors);
  const notCached = stats.requests_not_cacheable;
  const reasons = Object.entries(stats.not_cached ?? {}).sort(([, a], [, b]) => b - a).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return { restored: hits, compiled: misses + errors + notCached, detail: `${misses} misses, ${errors} cache errors, ${notCached} not cacheable${reasons ? ` (${reasons})` : ''}` };
}

/**
 * Runs `build` between two reads of our store's stats and adds the numbers
 * that changed. Restored = `events.hit`; compiled = `events.miss`,
 * `.passthrough` and `.error` (the CLI's names today). Without the CLI, or
 * with no event recorded (a stand-in wrapper), the sample has no counts.
 */
function withOursStats(fixture, build, store = fixture.oursStore) {
  const before = oursStats(fixture, store);
  const sample = build();
  const after = oursStats(fixture, store);
  if (!before || !after) return sample;
  const delta = (key) => (after[key] ?? 0) - (before[key] ?? 0);
  const changed = Object.keys(after).filter((key) => delta(key) !== 0 && key !== 'hitRate');
  if (!changed.some((key) => key.startsWith('events.'))) return { ...sample, cache: { detail: 'the store recorded no event' } };
  const compiled = ['events.miss', 'events.passthrough', 'events.error'].reduce((sum, key) => sum + delta(key), 0);
  return { ...sample, cache: { restored: delta('events.hit'), compiled, detail: changed.map((key) => `${key} ${delta(key)}`).join(', ') } };
}

/** `stats --json` flattened to numeric leaves (`a.b.c: n`), or undefined. */
function oursStats(fixture, store) {
  const result = spawnSync(process.execPath, [fixture.statsCli, 'stats', '--json'], { env: buildEnv({ NX_CARGO_CRATE_CACHE_DIR: store }), encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  try {
    return flatten(JSON.parse(result.stdout));
  } catch {
    return undefined;
  }
}

function flatten(value, prefix = '', into = {}) {
  if (typeof value === 'number') into[prefix] = value;
  else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

// --- report ----------------------------------------------------------------------

/** A round's log: the ms, and restored/compiled where known. */
function formatSample(sample) {
  const counts = sample.cache?.restored !== undefined ? ` (${sample.cache.restored} restored)` : '';
  return `${Math.round(sample.ms)}${counts}`;
}

function printReport(fixture, columns, { runs, only }) {
  const median = (key) => medianOf(columns[key].samples.map((sample) => sample.ms));
  const row = (key, note = '') => {
    const times = columns[key].samples.map((sample) => sample.ms);
    const last = columns[key].samples.at(-1);
    const counts = last?.cache?.restored !== undefined ? `${last.cache.restored} restored, ${last.cache.compiled} compiled` : !last ? '-' : columns[key].group === 'baseline' ? 'no cache' : 'n/a';
    return [columns[key].label, formatMs(median(key)), formatMs(Math.min(...times)), formatMs(Math.max(...times)), counts, [last?.cache?.detail, note].filter(Boolean).join('; ')];
  };
  const ratio = (label, a, b, target) => {
    const value = median(a) / median(b);
    const verdict = target && Number.isFinite(value) ? ` (target ${target.text}: ${target.ok(value) ? 'met' : 'missed'})` : target ? ` (target ${target.text})` : '';
    return [`ratio ${label}`, formatRatio(value), '', '', '', verdict.trim()];
  };
  const atMost = (limit) => ({ text: `<= ${limit.toFixed(2)}`, ok: (value) => value <= limit });
  const below1 = { text: '< 1', ok: (value) => value < 1 };
  const shown = Object.keys(columns).filter((key) => !columns[key].unavailable);
  const rows = [['', 'median', 'min', 'max', 'units (last run)', 'cache stats (last run)'], ...shown.map((key) => row(key))];
  if (only.has('baseline') && only.has('ours')) rows.push(ratio('ours cold / no-wrapper cold', 'oursCold', 'baselineCold', atMost(1.1)), ratio('ours warm / no-wrapper cold', 'oursWarm', 'baselineCold', atMost(0.3)), ratio('ours relocated / no-wrapper cold', 'oursMoved', 'baselineCold', atMost(0.3)));
  if (only.has('baseline') && only.has('unrecorded')) rows.push(ratio('ours cold, recording off / no-wrapper cold', 'oursColdUnrecorded', 'baselineCold'), ratio('ours cold / ours cold, recording off', 'oursCold', 'oursColdUnrecorded'));
  if (only.has('baseline') && only.has('nx')) rows.push(ratio('ours through nx, cold / no-wrapper cold', 'oursNxCold', 'baselineCold'), ratio('ours through nx, warm / no-wrapper cold', 'oursNx', 'baselineCold', atMost(0.3)));
  if (only.has('baseline') && only.has('remote')) {
    rows.push(
      ratio('remote: A writing / no-wrapper cold', 'remoteWrite', 'baselineCold'),
      ratio('remote: B cold with the remote / no-wrapper cold', 'remoteRead', 'baselineCold', atMost(0.3)),
      ratio('remote: B through nx run-many / no-wrapper cold', 'remoteNx', 'baselineCold', atMost(0.3)),
      ratio('remote: B with the remote down / no-wrapper cold', 'remoteDown', 'baselineCold', atMost(1.1)),
    );
  }
  if (only.has('remote') && only.has('sccache')) rows.push(ratio('remote: B cold with the remote / sccache warm', 'remoteRead', 'sccacheWarm', below1));
  if (only.has('ours') && only.has('sccache')) rows.push(ratio('ours warm / sccache warm', 'oursWarm', 'sccacheWarm', below1), ratio('ours relocated / sccache relocated', 'oursMoved', 'sccacheMoved', below1));
  if (only.has('baseline') && only.has('sccache')) rows.push(ratio('sccache cold / no-wrapper cold', 'sccacheCold', 'baselineCold'), ratio('sccache warm / no-wrapper cold', 'sccacheWarm', 'baselineCold'), ratio('sccache relocated / no-wrapper cold', 'sccacheMoved', 'baselineCold'));
  if (only.has('ours') && only.has('kache')) rows.push(ratio('ours cold / kache cold', 'oursCold', 'kacheCold'), ratio('ours warm / kache warm', 'oursWarm', 'kacheWarm'), ratio('ours relocated / kache relocated', 'oursMoved', 'kacheMoved'));
  if (only.has('baseline') && only.has('kache')) rows.push(ratio('kache cold / no-wrapper cold', 'kacheCold', 'baselineCold'), ratio('kache warm / no-wrapper cold', 'kacheWarm', 'baselineCold'), ratio('kache relocated / no-wrapper cold', 'kacheMoved', 'baselineCold'));
  const wrapper = fixture.wrapper ? `ours = ${fixture.wrapper.startsWith(REPO_ROOT) ? fixture.wrapper.slice(REPO_ROOT.length + 1) : fixture.wrapper} (installed packages)` : 'ours left out';
  console.log(
    `\nnx-cargo crate-cache benchmark: cargo build --offline of ${fixture.members} member crates over ${fixture.external} external crates (crates.io, pinned), ` +
      `${fixture.packages} packages compiled each time; medians of ${runs} runs, ms, wall time; ${toolVersion('cargo')}, ${fixture.sccache ?? 'sccache left out'}, ${fixture.kache ? toolVersion(fixture.kache) : 'kache left out'}, ${wrapper}; ` +
      `${cpus().length} cores, load average ${fixture.loadBefore} before, ${loadavg()[0].toFixed(2)} after (1 min)\n`,
  );
  console.log(formatTable(rows, [0, 4, 5]));
  console.log('\nunits: rustc calls the cache restored vs compiled (sccache: misses, cache errors and calls it does not cache, such as build scripts, binaries and incremental members; kache: its units, build-script runs it caches included).');
  console.log('sccache runs a fresh server per build (started untimed before it); kache one daemon per cold build (started untimed before it, kept for the warm builds); the relocated copy lies at another absolute path.');
  const failures = Object.values(columns).filter((column) => column.error).map((column) => `${column.label}: ${column.error}`);
  if (failures.length > 0) console.log(`\nfailures:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
}

function toolVersion(command) {
  return spawnSync(command, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').slice(0, 2).join(' ');
}
