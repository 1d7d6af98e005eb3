#!/usr/bin/env node
// Graph benchmark: what nx-cargo costs Nx to build the project graph of a
// Cargo workspace, next to `cargo metadata` and to @monodon/rust, measured
// as issue 13 asks (500 and 2,000 crates, medians of 5, side by side).
//
//   npm run build && node tools/bench/graph/run.mjs [--runs 5] [--sizes 500,2000]
//
// "Ours" is always the plugin as a user installs it: the built workspaces
// packed with `npm pack` and npm-installed beside nx into a folder outside
// the repository (tools/support/installed-packages.mjs), once beside this
// repository's Nx 24 and once beside the Nx 22 that @monodon/rust runs on.
// @monodon/rust 3.0 and "Nx alone" run from plain installs of the same Nx
// versions (nx, and @monodon/rust under Nx 22), kept in BENCH_CACHE; so every
// comparison is under one Nx, and nothing is loaded from this repository
// (every column checks where its plugin was loaded from).
//
// Per size it generates one virtual workspace of libs with path deps only
// (fixed seed) in a temporary folder, runs `cargo generate-lockfile` once, and
// then, round after round so that machine noise spreads over all of them, times:
//   - `cargo metadata --format-version 1 --offline` (full resolution);
//   - the plugins' own graph work, in-process (in-process.mjs): ours (the
//     Nx 24 install) and @monodon/rust (under Nx 22), each in a fresh Node
//     process that loads the plugin (require, timed apart), then calls
//     createNodes + createDependencies three times: the first call is "cold",
//     the last "warm" (as the Nx daemon, which keeps plugins loaded, calls them
//     again on file changes: in-process.mjs rewrites one manifest before each
//     later call); .nx/workspace-data is deleted before each such process, so
//     no graph cache a plugin keeps there (ours does) survives an earlier run;
//   - ours in a fresh process with its graph cache valid (a cache hit, what
//     every nx command without the daemon pays while no Cargo file changed),
//     and with its graph cache present but one member Cargo.toml changed (what
//     the first nx command after an edit pays: issue 13's "cold");
//   - `nx graph --file=graph.json` under Nx 24, with no plugin (Nx's own
//     cost) and with ours, in fresh Nx workspaces around copies of the tree,
//     the project graph cache deleted before every run;
//   - the same under Nx 22 with no plugin, with ours, and with @monodon/rust.
// The first table compares the plugins' own work (no Nx, no module loading);
// the `nx graph` table is the end-to-end view; the ratio rows state issue 13's
// targets with PASS/FAIL. Every sample is checked for the expected projects, so
// a broken run is never timed as a fast one. Prints medians and ratios; writes
// nothing into the repo.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_NX, installedPackages, REPO_ROOT } from '../../support/installed-packages.mjs';
import { NX_ENV } from '../../support/nx-workspace.mjs';
import { BenchError, checkBuilt, checkCargo, formatMs, formatRatio, formatTable, lastLines, loadGenerator, log, measureRounds, medianOf, positiveInt, readJson, runBench, runOk, timed } from '../support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_CACHE = join(homedir(), '.cache/nx-cargo-bench');
const NX22_DIR = join(BENCH_CACHE, 'plain-nx22');
const NX24_DIR = join(BENCH_CACHE, 'plain-nx24');
const SEED = 1;
const NX_GRAPH_CACHE = '.nx/workspace-data/project-graph.json';
// Our graph cache's small header file: rewritten on every miss that stores a graph, untouched by a hit.
const OUR_CACHE_HEADER = '.nx/workspace-data/nx-cargo-graph.json';
// Our graph cache stores nothing read within 2 s of the run (racily clean files): waits past that.
const RACY_WAIT_MS = 2100;
// createNodes + createDependencies calls per in-process run: 1 is cold, the last warm.
const IN_PROCESS_CALLS = 3;
// monodon runs `cargo metadata` without --offline; this makes its cargo (and
// ours, for symmetry) as offline as measurement 1, so the network never counts.
const NX_RUN_ENV = { ...process.env, ...NX_ENV, CARGO_NET_OFFLINE: 'true' };
// Numbers the edits of the "Cargo file changed" column.
let touches = 0;
// Issue 13, "Must be true" 4.
const TARGETS = { cacheHit: 0.15, cold: 0.5, growth: 1.0, endToEnd: 0.5 };

await runBench(() => main(parseOptions(process.argv.slice(2))));

async function main({ runs, sizes }) {
  checkCargo();
  checkBuilt();
  const { generateRepo } = await loadGenerator();
  const installs = prepareInstalls();
  const scratch = mkdtempSync(join(tmpdir(), 'nx-cargo-bench-graph-'));
  try {
    const reports = sizes.map((size) => benchSize(prepareSize(size, join(scratch, `size-${size}`), generateRepo), installs, runs));
    printReport(reports, runs, installs);
    if (installs.nx22.unavailable || reports.some((report) => Object.values(report.columns).some((column) => column.error))) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- options and prerequisites ----------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '500,2000' } } });
  // The errors say "positive integers" (--sizes takes a list), for --runs too.
  const positiveInts = (text, option) => positiveInt(text, option, 'positive integers');
  return { runs: positiveInts(values.runs, '--runs'), sizes: values.sizes.split(',').map((size) => positiveInts(size, '--sizes')) };
}

// --- the installs --------------------------------------------------------------

/**
 * Per Nx version, ours as a user installs it and a plain install of the same
 * nx for "Nx alone" (and @monodon/rust under Nx 22). Nx 22 is optional: if
 * it cannot be installed, its columns are skipped and the run fails.
 */
function prepareInstalls() {
  const nx24 = { version: DEFAULT_NX, plain: plainInstall(NX24_DIR, [`nx@${DEFAULT_NX}`]), ours: oursBeside(DEFAULT_NX) };
  let nx22;
  try {
    // @monodon/rust 3.0 runs on Nx 22; ours is then installed beside exactly the Nx 22 version npm picked.
    const plain = plainInstall(NX22_DIR, ['@monodon/rust@3.0.0', '@nx/devkit@22', 'nx@22']);
    const version = readJson(join(plain, 'nx/package.json')).version;
    nx22 = { version, plain, ours: oursBeside(version) };
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    nx22 = { unavailable: error.message };
  }
  return { nx24, nx22 };
}

/** This repository's packed packages npm-installed beside nx@`version`, outside the repository. */
function oursBeside(version) {
  log(`installing the packed packages beside nx@${version} (reused while they do not change)`);
  try {
    return installedPackages({ nx: version });
  } catch (error) {
    throw new BenchError(`could not install the packed packages beside nx@${version}: ${error.message}`);
  }
}

/** `specs` npm-installed into `dir` (unless the last install there was of exactly these); returns its node_modules. */
function plainInstall(dir, specs) {
  const nodeModules = join(dir, 'node_modules');
  const marker = join(dir, 'bench-install.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(specs)) return nodeModules;
  mkdirSync(dir, { recursive: true });
  // A fresh package.json each time, so specs dropped from the list get pruned.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nx-cargo-bench-plain', private: true }, null, 2));
  log(`installing into ${dir}: ${specs.join(' ')}`);
  // --legacy-peer-deps: @monodon/rust's one peer, @napi-rs/cli, serves its
  // napi generators only, not the graph.
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', ...specs], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (npm.error) throw new BenchError(`could not run npm install in ${dir}: ${npm.error.message}`);
  if (npm.status !== 0) throw new BenchError(`npm install in ${dir} failed (exit ${npm.status}):\n${lastLines(npm.stderr)}`);
  writeFileSync(marker, JSON.stringify(specs));
  return nodeModules;
}

/** Throws unless `file` (after resolving links) lies in `dir`. */
function checkInside(file, dir, what) {
  if (!isInside(file, dir)) throw new BenchError(`${what}: ${file} is not inside the install ${realpathSync(dir)}`);
}

function isInside(file, dir) {
  return realpathSync(file).startsWith(`${realpathSync(dir)}${sep}`);
}

// --- one size -------------------------------------------------------------------

/** The generated tree, its manifests and its expected graph. */
function prepareSize(size, dir, generateRepo) {
  const tree = join(dir, 'tree');
  log(`generating ${size} crates in ${tree}`);
  const summary = generateRepo(tree, { crates: size, seed: SEED, variety: false, externalDeps: false });
  runOk('cargo', ['generate-lockfile', '--offline'], tree);
  const manifestList = join(dir, 'manifests.json');
  const manifests = manifestsBelow(tree);
  writeFileSync(manifestList, JSON.stringify(manifests));
  // The one the "Cargo file changed" column edits (in-process.mjs rewrites the same one).
  const memberManifest = manifests.filter((file) => file.includes('/')).at(-1);
  return { size, dir, tree, manifestList, memberManifest, expected: expectedGraph(summary) };
}

/** Every Cargo.toml below `root`, repo-relative and sorted, as Nx passes them. */
function manifestsBelow(root) {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === 'Cargo.toml')
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** Project roots and `a -> b` root pairs that the generator wrote. */
function expectedGraph(summary) {
  const dirOf = new Map(summary.packages.map((pkg) => [pkg.name, pkg.dir]));
  return {
    roots: new Set(summary.packages.map((pkg) => pkg.dir)),
    edges: new Set(summary.packages.flatMap((pkg) => pkg.dependencies.map((dep) => `${pkg.dir} -> ${dirOf.get(dep.name)}`))),
  };
}

/** The columns of the report, each a `measure()` that returns one checked sample. */
function columnsFor(prepared, { nx24, nx22 }) {
  const nx22Column = (label, nodeModules, plugins) => ({ label, ...(nx22.unavailable ? { unavailable: true } : { measure: nxGraphMeasure(prepared, label, nodeModules(), plugins) }) });
  return {
    metadata: { label: 'cargo metadata', measure: () => timeCargoMetadata(prepared) },
    inProcess: { label: 'ours in-process', measure: () => timeInProcess(prepared, nx24.ours.packageDir('nx-cargo'), 'createNodes', nx24.ours.dir) },
    cacheHit: { label: 'ours cache hit', measure: () => timeGraphCacheHit(prepared, nx24.ours) },
    changed: { label: 'ours Cargo file changed', measure: () => timeCargoFileChanged(prepared, nx24.ours) },
    // Nx 22 reads createNodesV2, the only name @monodon/rust 3.0 exports.
    monodonInProcess: { label: 'monodon in-process', ...(nx22.unavailable ? { unavailable: true } : { measure: () => timeInProcess(prepared, join(nx22.plain, '@monodon/rust'), 'createNodesV2', nx22.plain) }) },
    bare24: { label: 'nx24-no-plugin', measure: nxGraphMeasure(prepared, 'nx24-no-plugin', nx24.plain, []) },
    ours24: { label: 'ours-nx24', measure: nxGraphMeasure(prepared, 'ours-nx24', nx24.ours.nodeModules, ['nx-cargo']) },
    bare22: nx22Column('nx22-no-plugin', () => nx22.plain, []),
    ours22: nx22Column('ours-nx22', () => nx22.ours.nodeModules, ['nx-cargo']),
    monodon22: nx22Column('monodon-nx22', () => nx22.plain, ['@monodon/rust']),
  };
}

function benchSize(prepared, installs, runs) {
  const columns = columnsFor(prepared, installs);
  measureRounds(columns, runs, {
    name: 'label',
    heading: (run) => `[${prepared.size}] run ${run}/${runs} (ms; in-process cold/warm)`,
    format: (sample) => `${Math.round(sample.ms)}${sample.warmMs === undefined ? '' : `/${Math.round(sample.warmMs)}`}`,
  });
  return { size: prepared.size, expected: prepared.expected, columns };
}

// --- measurements ------------------------------------------------------------------

function timeCargoMetadata({ tree, expected }) {
  const { ms, result } = timed(() => spawnSync('cargo', ['metadata', '--format-version', '1', '--offline'], { cwd: tree, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  if (result.status !== 0) throw new BenchError(`cargo metadata failed in ${tree}:\n${lastLines(result.stderr)}`);
  return { ms, graph: checkGraph(graphOfMetadata(JSON.parse(result.stdout), tree), expected) };
}

/** Roots and root pairs of the workspace members, from `resolve` as cargo resolved it. */
function graphOfMetadata(metadata, tree) {
  const members = new Set(metadata.workspace_members);
  const rootOf = new Map(metadata.packages.filter((pkg) => members.has(pkg.id)).map((pkg) => [pkg.id, relative(tree, dirname(pkg.manifest_path))]));
  const edges = metadata.resolve.nodes.filter((node) => rootOf.has(node.id)).flatMap((node) => node.deps.filter((dep) => rootOf.has(dep.pkg)).map((dep) => [rootOf.get(node.id), rootOf.get(dep.pkg)]));
  return { roots: [...rootOf.values()], edges };
}

/**
 * One fresh Node process that loads `pluginEntry` (a package folder inside
 * `installDir`) and builds the graph IN_PROCESS_CALLS times. `ms` is the cold
 * call's createNodes + createDependencies, `warmMs` the last call's; module
 * loading is `requireMs`. Both the cold and the warm graph are checked.
 */
function timeInProcess(prepared, pluginEntry, nodesExport, installDir) {
  // Cold means no graph cached by an earlier run: ours keeps one in the workspace data folder.
  rmSync(join(prepared.tree, '.nx/workspace-data'), { recursive: true, force: true });
  const { ms, requireMs, runs, cold, warm } = runInProcess(prepared, pluginEntry, nodesExport, IN_PROCESS_CALLS, installDir);
  const first = runs[0];
  const last = runs.at(-1);
  return { ms: first.total, warmMs: last.total, requireMs, processMs: ms, cold: first, warm: last, graph: checkGraph(cold, prepared.expected), warmGraph: checkGraph(warm, prepared.expected) };
}

/**
 * Runs in-process.mjs for `calls` graphs; returns its report and the process
 * wall time. The plugin must resolve inside `installDir` and no CommonJS file
 * the child loaded may come from this repository (its dist or node_modules);
 * files elsewhere are fine (Nx copies its native binding to a cache folder).
 */
function runInProcess({ tree, manifestList }, pluginEntry, nodesExport, calls, installDir) {
  // --disable-warning: path.matchesGlob is experimental in Node 20 and 22.
  const child = ['--disable-warning=ExperimentalWarning', join(HERE, 'in-process.mjs'), pluginEntry, nodesExport, tree, manifestList, String(calls)];
  // NX_WORKSPACE_ROOT_PATH: what Nx's devkit takes as workspaceRoot (monodon's edges read it).
  const env = { ...NX_RUN_ENV, NX_WORKSPACE_ROOT_PATH: tree };
  delete env.NX_WORKSPACE_DATA_DIRECTORY;
  const { ms, result } = timed(() => spawnSync(process.execPath, child, { cwd: tree, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (result.status !== 0) throw new BenchError(`in-process run of ${pluginEntry} failed:\n${lastLines(result.stderr)}`);
  const report = JSON.parse(result.stdout);
  checkInside(report.pluginFile, installDir, `the in-process run resolved ${pluginEntry} elsewhere`);
  const fromRepo = report.loadedFiles.find((file) => isInside(file, REPO_ROOT));
  if (fromRepo) throw new BenchError(`the in-process run of ${pluginEntry} loaded ${fromRepo} from this repository`);
  return { ms, ...report };
}

/**
 * Runs ours once at a time until its graph cache is stored (a run stores
 * nothing read within 2 s, so later attempts wait that out); returns the
 * header file's path and mtime. Starts from no cache: one left by the cold
 * column predates its manifest rewrites.
 */
function primeGraphCache(prepared, ours) {
  const header = join(prepared.tree, OUR_CACHE_HEADER);
  rmSync(header, { force: true });
  for (let attempt = 1; !existsSync(header); attempt++) {
    if (attempt > 3) throw new BenchError(`the graph cache was never written to ${header}`);
    if (attempt > 1) sleep(RACY_WAIT_MS);
    runOurs(prepared, ours);
  }
  return { header, writtenAt: statSync(header).mtimeMs };
}

/** Ours for one graph in a fresh process, from its install. */
function runOurs(prepared, ours) {
  return runInProcess(prepared, ours.packageDir('nx-cargo'), 'createNodes', 1, ours.dir);
}

/**
 * Ours in a fresh process when its graph cache (kept in .nx/workspace-data)
 * is valid: what every nx command without the daemon costs while no Cargo
 * file changed. Once priming has stored the cache, nothing it was read from
 * changes, so the timed run is a hit; one that rewrote the cache's header
 * file (every miss that stores a graph does) was not, and fails the column.
 */
function timeGraphCacheHit(prepared, ours) {
  const { header, writtenAt } = primeGraphCache(prepared, ours);
  const { ms, requireMs, runs, cold } = runOurs(prepared, ours);
  if (statSync(header).mtimeMs !== writtenAt) throw new BenchError('the graph cache was recomputed, not hit');
  return { ms: runs[0].total, requireMs, processMs: ms, cold: runs[0], graph: checkGraph(cold, prepared.expected) };
}

/**
 * Ours in a fresh process with its graph cache present but one member
 * Cargo.toml changed since (a comment line appended): the first nx command
 * after an edit, issue 13's "cold". The edit is let age past the 2 s racy
 * window first, as an edit made by hand does, so the timed run stores the new
 * graph as it would for a user; the header file rewritten proves it missed.
 * The manifest gets its old content back afterwards.
 */
function timeCargoFileChanged(prepared, ours) {
  const { header, writtenAt } = primeGraphCache(prepared, ours);
  const manifest = join(prepared.tree, prepared.memberManifest);
  const original = readFileSync(manifest);
  try {
    appendFileSync(manifest, `# touched ${++touches}\n`);
    sleep(RACY_WAIT_MS);
    const { ms, requireMs, runs, cold } = runOurs(prepared, ours);
    if (statSync(header).mtimeMs === writtenAt) throw new BenchError(`the graph cache was not rewritten after ${prepared.memberManifest} changed: was it a hit?`);
    return { ms: runs[0].total, requireMs, processMs: ms, cold: runs[0], graph: checkGraph(cold, prepared.expected) };
  } finally {
    writeFileSync(manifest, original);
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A measure for `nx graph` in its own Nx workspace around a copy of the
 * tree, running the nx of `nodeModules` with `nodeModules` linked in.
 */
function nxGraphMeasure(prepared, name, nodeModules, plugins) {
  const root = join(prepared.dir, name);
  cpSync(prepared.tree, root, { recursive: true });
  symlinkSync(nodeModules, join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `bench-${name}`, private: true }, null, 2));
  writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins }, null, 2));
  writeFileSync(join(root, '.gitignore'), 'node_modules\ntarget\n.nx\n');
  const nxBin = join(nodeModules, 'nx', readJson(join(nodeModules, 'nx/package.json')).bin.nx);
  // With no plugin Nx makes no crate projects: that column is Nx's own cost.
  const expected = plugins.length === 0 ? { roots: new Set(), edges: new Set() } : prepared.expected;
  return () => {
    // Where Nx loads each plugin from: resolved from the workspace root, as Nx resolves plugin names.
    const requireFromRoot = createRequire(join(root, 'package.json'));
    for (const plugin of plugins) checkInside(requireFromRoot.resolve(plugin), nodeModules, `Nx would load plugin ${plugin} from elsewhere`);
    return timeNxGraph(root, nxBin, expected);
  };
}

function timeNxGraph(root, nxBin, expected) {
  rmSync(join(root, '.nx/workspace-data'), { recursive: true, force: true });
  rmSync(join(root, 'graph.json'), { force: true });
  const { ms, result } = timed(() => spawnSync(process.execPath, [nxBin, 'graph', '--file=graph.json'], { cwd: root, env: NX_RUN_ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (result.status !== 0) throw new BenchError(`nx graph exited ${result.status} in ${root}:\n${lastLines(`${result.stdout}\n${result.stderr}`)}`);
  // The cache was deleted above, so a cache file now means Nx computed the graph in this run.
  if (!existsSync(join(root, NX_GRAPH_CACHE))) throw new BenchError(`nx graph wrote no ${NX_GRAPH_CACHE} in ${root}: did it compute the graph?`);
  return { ms, graph: checkGraph(graphOfNx(readJson(join(root, 'graph.json')).graph), expected) };
}

/** Roots and root pairs between projects (external nodes left out) of an `nx graph --file` graph. */
function graphOfNx({ nodes, dependencies }) {
  const rootOf = (name) => nodes[name]?.data.root;
  const edges = Object.values(dependencies).flat().filter((edge) => rootOf(edge.target) !== undefined).map((edge) => [rootOf(edge.source), rootOf(edge.target)]);
  return { roots: Object.values(nodes).map((node) => node.data.root), edges };
}

/**
 * Counts the expected crates and edges found. Missing crates fail the sample
 * (a broken graph is not a fast one); a different edge set is reported.
 */
function checkGraph({ roots, edges }, expected) {
  const projects = new Set(roots.filter((root) => expected.roots.has(root))).size;
  if (projects !== expected.roots.size) throw new BenchError(`found ${projects} of the ${expected.roots.size} crates as projects`);
  const found = new Set(edges.filter(([, target]) => expected.roots.has(target)).map(([source, target]) => `${source} -> ${target}`));
  const missing = [...expected.edges].filter((edge) => !found.has(edge)).length;
  const extra = [...found].filter((edge) => !expected.edges.has(edge)).length;
  return { projects, edges: found.size, missing, extra };
}

// --- report ---------------------------------------------------------------------------

function printReport(reports, runs, { nx24, nx22 }) {
  const header = ['', ...reports.map((report) => `${report.size} crates`)];
  const median = (report, key, pick = (sample) => sample.ms) => medianOf(report.columns[key].samples.map(pick));
  const warm = (report, key) => median(report, key, (sample) => sample.warmMs);
  const ms = (pick) => reports.map((report) => formatMs(pick(report)));
  const ratio = (pick) => reports.map((report) => formatRatio(pick(report)));
  const checked = (pick, max) => [...reports.map((report) => verdictCell(pick(report), max)), `(target <= ${max})`];
  // What a plugin adds to Nx's own cost (same Nx, same tree, no plugin).
  const pluginPart = (report, key, bare) => median(report, key) - median(report, bare);
  // Nothing to compare against when Nx alone took as long (noise at small sizes).
  const over = (value, base) => (base > 0 ? value / base : NaN);
  const measures = {
    cold: (r) => median(r, 'changed'),
    hit: (r) => median(r, 'cacheHit'),
    ours24: (r) => pluginPart(r, 'ours24', 'bare24'),
    ours22: (r) => pluginPart(r, 'ours22', 'bare22'),
  };
  const pluginRows = [
    ['cargo metadata (process)', ...ms((r) => median(r, 'metadata'))],
    ['ours cold, no cache on disk (1st createNodes+createDependencies)', ...ms((r) => median(r, 'inProcess'))],
    [`ours warm (call ${IN_PROCESS_CALLS}, same process)`, ...ms((r) => warm(r, 'inProcess'))],
    ['ours, graph cache hit (fresh process, no Cargo file changed)', ...ms(measures.hit)],
    ['ours, a Cargo file changed (fresh process, cache present)', ...ms(measures.cold)],
    ['ours require (module loading, once per worker)', ...ms((r) => median(r, 'inProcess', (s) => s.requireMs))],
    ['monodon cold (1st createNodesV2+createDependencies)', ...ms((r) => median(r, 'monodonInProcess'))],
    [`monodon warm (call ${IN_PROCESS_CALLS}, same process)`, ...ms((r) => warm(r, 'monodonInProcess'))],
    ['ratio ours cache hit / cargo metadata', ...checked((r) => measures.hit(r) / median(r, 'metadata'), TARGETS.cacheHit)],
    ['ratio ours cold (a Cargo file changed) / cargo metadata', ...checked((r) => measures.cold(r) / median(r, 'metadata'), TARGETS.cold)],
    ['ratio ours cold, no cache on disk / cargo metadata (for reference)', ...ratio((r) => median(r, 'inProcess') / median(r, 'metadata'))],
  ];
  const nxRows = [
    ['nx 24 graph, no plugin (Nx alone)', ...ms((r) => median(r, 'bare24'))],
    ['ours, nx 24 graph', ...ms((r) => median(r, 'ours24'))],
    ['  ours minus Nx alone (for reference)', ...ms(measures.ours24)],
    ['nx 22 graph, no plugin (Nx alone)', ...ms((r) => median(r, 'bare22'))],
    ['ours, nx 22 graph', ...ms((r) => median(r, 'ours22'))],
    ['  ours minus Nx alone', ...ms(measures.ours22)],
    ['monodon, nx 22 graph', ...ms((r) => median(r, 'monodon22'))],
    ['  monodon minus Nx alone', ...ms((r) => pluginPart(r, 'monodon22', 'bare22'))],
    ['ratio (ours minus Nx alone) / (monodon minus Nx alone), nx 22', ...checked((r) => over(measures.ours22(r), pluginPart(r, 'monodon22', 'bare22')), TARGETS.endToEnd)],
  ];
  console.log(`\nnx-cargo graph benchmark: medians of ${runs} runs, ms (nx 24 = ${nx24.version}, nx 22 = ${nx22.version ?? 'unavailable'}; ours packed and npm-installed beside each; seed ${SEED}, one virtual workspace, libs, path deps only)`);
  console.log(`\nplugins' own graph work, in-process (no Nx, module loading apart; cold = 1st call in a fresh process; warm = call ${IN_PROCESS_CALLS}, after a manifest rewrite; a Cargo file changed = a fresh process after one member Cargo.toml was edited, the edit older than 2 s):\n`);
  console.log(formatTable([header, ...pluginRows]));
  console.log('\nend to end, `nx graph --file` in a fresh process, .nx/workspace-data (graph caches) deleted first (includes Nx and module loading):\n');
  console.log(formatTable([header, ...nxRows]));
  printGrowth(reports, [
    ['ours cold (a Cargo file changed)', measures.cold],
    ['ours cache hit', measures.hit],
    ['ours nx 24 graph minus Nx alone', measures.ours24],
    ['ours nx 22 graph minus Nx alone', measures.ours22],
  ]);
  printChecks(reports);
  printBreakdown(reports);
  printFailures(reports, nx22);
}

/** A ratio with PASS or FAIL against its target maximum. */
function verdictCell(value, max) {
  if (!Number.isFinite(value)) return '-';
  return `${value.toFixed(2)} ${value <= max ? 'PASS' : 'FAIL'}`;
}

/**
 * Per measure, (value at the largest size / value at the smallest) divided by
 * (largest / smallest crate count): at most 1 means it grows no faster than
 * the crates. A value of 0 or less (ours minus Nx alone, lost in noise) has
 * no growth to judge: "-".
 */
function printGrowth(reports, measures) {
  const bySize = [...reports].sort((a, b) => a.size - b.size);
  const [smallest, largest] = [bySize[0], bySize.at(-1)];
  if (bySize.length < 2 || smallest.size === largest.size) {
    console.log('\ngrowth: needs two sizes (--sizes)');
    return;
  }
  const crates = largest.size / smallest.size;
  console.log(`\ngrowth from ${smallest.size} to ${largest.size} crates (x${crates.toFixed(2)}): value ratio / crate ratio (target <= ${TARGETS.growth.toFixed(1)}: grows no faster than the crates):\n`);
  const rows = measures.map(([label, measure]) => {
    const [from, to] = [measure(smallest), measure(largest)];
    return [label, formatMs(from), formatMs(to), verdictCell(from > 0 && to > 0 ? to / from / crates : NaN, TARGETS.growth)];
  });
  console.log(formatTable([['', `${smallest.size} crates`, `${largest.size} crates`, 'growth'], ...rows]));
}

/** Projects and edges found per column (from the last sample), against what the generator wrote. */
function printChecks(reports) {
  console.log('\nprojects/edges found (last sample of each; in-process: cold, then warm):');
  for (const report of reports) {
    const count = ({ projects, edges, missing, extra }) => `${projects}/${edges}${missing || extra ? ` (${missing} missing, ${extra} extra)` : ''}`;
    const found = Object.values(report.columns)
      .filter((column) => column.samples.length > 0)
      .map((column) => {
        const sample = column.samples.at(-1);
        return `${column.label} ${count(sample.graph)}${sample.warmGraph ? ` warm ${count(sample.warmGraph)}` : ''}`;
      });
    console.log(`  ${report.size} crates, expected ${report.expected.roots.size}/${report.expected.edges.size}: ${found.join(', ')}`);
  }
}

function printBreakdown(reports) {
  for (const [key, name] of [['inProcess', 'ours'], ['monodonInProcess', 'monodon']]) {
    console.log(`\n${name} in-process, medians (ms):`);
    for (const report of reports) {
      const samples = report.columns[key].samples;
      if (samples.length === 0) continue;
      const phase = (pick) => formatMs(medianOf(samples.map(pick)));
      console.log(
        `  ${report.size} crates: require ${phase((s) => s.requireMs)}; ` +
          `cold createNodes ${phase((s) => s.cold.createNodes)}, createDependencies ${phase((s) => s.cold.createDependencies)}; ` +
          `warm createNodes ${phase((s) => s.warm.createNodes)}, createDependencies ${phase((s) => s.warm.createDependencies)}; ` +
          `node process wall ${phase((s) => s.processMs)}`,
      );
    }
  }
}

function printFailures(reports, nx22) {
  const failures = reports.flatMap((report) => Object.values(report.columns).filter((column) => column.error).map((column) => `${report.size} crates, ${column.label}: ${column.error}`));
  if (nx22.unavailable) failures.unshift(`nx 22 columns skipped: ${nx22.unavailable}`);
  if (failures.length > 0) console.log(`\nfailures:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
}
