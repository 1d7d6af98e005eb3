#!/usr/bin/env node
// Graph benchmark: what nx-cargo costs Nx to build the project graph of a
// Cargo workspace, next to `cargo metadata` and to @monodon/rust.
//
//   node tools/bench/graph/run.mjs [--runs 5] [--sizes 100,500]
//
// Per size it generates one virtual workspace of libs with path deps only
// (fixed seed) in a temporary folder, runs `cargo generate-lockfile` once, and
// then, round after round so that machine noise spreads over all of them, times:
//   - `cargo metadata --format-version 1 --offline` (full resolution);
//   - the plugins' own graph work, in-process (in-process.mjs): ours (under
//     this repository's Nx 24 devkit) and @monodon/rust 3.0 (under Nx 22),
//     each in a fresh Node process that loads the plugin (require, timed
//     apart), then calls createNodes + createDependencies three times: the
//     first call is "cold", the last "warm" (as the Nx daemon, which keeps
//     plugins loaded, calls them again on file changes: in-process.mjs
//     rewrites one manifest before each later call); .nx/workspace-data is
//     deleted before each such process, so no graph cache a plugin keeps
//     there (ours does) survives from an earlier run;
//   - `nx graph --file=graph.json` under this repository's Nx 24, with no
//     plugin (Nx's own cost) and with ours, in fresh Nx workspaces around copies
//     of the tree, the project graph cache deleted before every run;
//   - the same under Nx 22 with no plugin, with ours, and with @monodon/rust 3.0.
// The main table compares the plugins' own work (no Nx, no module loading);
// the `nx graph` table is the end-to-end view. Nx 22 and @monodon/rust are
// installed once into NX22_DIR (outside the repo). Every sample is checked for
// the expected projects, so a broken run is never timed as a fast one. Prints
// medians and ratios; writes nothing into the repo.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NX_ENV } from '../../support/nx-workspace.mjs';
import { BenchError, checkBuilt, checkCargo, formatMs, formatRatio, formatTable, lastLines, loadGenerator, log, measureRounds, medianOf, MODEL_DIR, PLUGIN_DIR, positiveInt, readJson, REPO_ROOT, runBench, runOk, timed } from '../support.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const NX22_DIR = join(homedir(), '.cache/nx-cargo-bench/monodon-nx22');
const SEED = 1;
const NX_GRAPH_CACHE = '.nx/workspace-data/project-graph.json';
// createNodes + createDependencies calls per in-process run: 1 is cold, the last warm.
const IN_PROCESS_CALLS = 3;
// monodon runs `cargo metadata` without --offline; this makes its cargo (and
// ours, for symmetry) as offline as measurement 1, so the network never counts.
const NX_RUN_ENV = { ...process.env, ...NX_ENV, CARGO_NET_OFFLINE: 'true' };

await runBench(() => main(parseOptions(process.argv.slice(2))));

async function main({ runs, sizes }) {
  checkCargo();
  checkBuilt();
  const { generateRepo } = await loadGenerator();
  const nx22 = prepareNx22();
  const scratch = mkdtempSync(join(tmpdir(), 'nx-cargo-bench-graph-'));
  try {
    const reports = sizes.map((size) => benchSize(prepareSize(size, join(scratch, `size-${size}`), generateRepo), nx22, runs));
    printReport(reports, runs, nx22);
    if (nx22.unavailable || reports.some((report) => Object.values(report.columns).some((column) => column.error))) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- options and prerequisites ----------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '100,500' } } });
  // The errors say "positive integers" (--sizes takes a list), for --runs too.
  const positiveInts = (text, option) => positiveInt(text, option, 'positive integers');
  return { runs: positiveInts(values.runs, '--runs'), sizes: values.sizes.split(',').map((size) => positiveInts(size, '--sizes')) };
}

// --- the Nx 22 install --------------------------------------------------------

/** Nx 22 with @monodon/rust and a copy of our plugin, or why it is unavailable. */
function prepareNx22() {
  const nodeModules = join(NX22_DIR, 'node_modules');
  try {
    installNx22(nx22Specs());
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    return { unavailable: error.message };
  }
  copyOurPackages(nodeModules);
  return { nodeModules, version: readJson(join(nodeModules, 'nx/package.json')).version };
}

/**
 * What npm installs: Nx 22, @monodon/rust 3.0 and our packages' third-party
 * dependencies, so that the copy of our plugin loads Nx 22's @nx/devkit and
 * nothing from this repository.
 */
function nx22Specs() {
  const ours = [PLUGIN_DIR, MODEL_DIR]
    .flatMap((dir) => Object.entries(readJson(join(dir, 'package.json')).dependencies ?? {}))
    .filter(([name]) => name !== '@nx/devkit' && !name.startsWith('@nx-cargo/'))
    .map(([name, range]) => `${name}@${range}`);
  return [...new Set(['nx@22', '@nx/devkit@22', '@monodon/rust@3.0.0', ...ours])].sort();
}

/** Installs `specs` unless the last install was of exactly these. */
function installNx22(specs) {
  const marker = join(NX22_DIR, 'bench-install.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(specs)) return;
  mkdirSync(NX22_DIR, { recursive: true });
  // A fresh package.json each time, so specs dropped from the list get pruned.
  writeFileSync(join(NX22_DIR, 'package.json'), JSON.stringify({ name: 'nx-cargo-bench-nx22', private: true }, null, 2));
  log(`installing into ${NX22_DIR}: ${specs.join(' ')}`);
  // --legacy-peer-deps: @monodon/rust's one peer, @napi-rs/cli, serves its
  // napi generators only, not the graph.
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', ...specs], { cwd: NX22_DIR, encoding: 'utf8', timeout: 300_000 });
  if (npm.error) throw new BenchError(`could not run npm install in ${NX22_DIR}: ${npm.error.message}`);
  if (npm.status !== 0) throw new BenchError(`npm install in ${NX22_DIR} failed (exit ${npm.status}):\n${lastLines(npm.stderr)}`);
  writeFileSync(marker, JSON.stringify(specs));
}

/**
 * Copies, not links, our built packages into the Nx 22 node_modules: Node
 * resolves a linked package's imports from its real path, which would load
 * this repository's Nx 24 devkit. Copied every time, so the build is current.
 */
function copyOurPackages(nodeModules) {
  copyPackage(PLUGIN_DIR, join(nodeModules, 'nx-cargo'), ['package.json', 'executors.json', 'dist']);
  copyPackage(MODEL_DIR, join(nodeModules, '@nx-cargo/cargo-workspace'), ['package.json', 'dist']);
}

function copyPackage(from, to, entries) {
  rmSync(to, { recursive: true, force: true });
  for (const entry of entries) cpSync(join(from, entry), join(to, entry), { recursive: true });
}

// --- one size -------------------------------------------------------------------

/** The generated tree, its expected graph, and one Nx workspace per Nx column. */
function prepareSize(size, dir, generateRepo) {
  const tree = join(dir, 'tree');
  log(`generating ${size} crates in ${tree}`);
  const summary = generateRepo(tree, { crates: size, seed: SEED, variety: false, externalDeps: false });
  runOk('cargo', ['generate-lockfile', '--offline'], tree);
  const manifestList = join(dir, 'manifests.json');
  writeFileSync(manifestList, JSON.stringify(manifestsBelow(tree)));
  return { size, dir, tree, manifestList, expected: expectedGraph(summary) };
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
function columnsFor(prepared, nx22) {
  const nx22Column = (label, plugins) => ({ label, ...(nx22.unavailable ? { unavailable: true } : { measure: nxGraphMeasure(prepared, label, nx22.nodeModules, plugins) }) });
  return {
    metadata: { label: 'cargo metadata', measure: () => timeCargoMetadata(prepared) },
    inProcess: { label: 'ours in-process', measure: () => timeInProcess(prepared, join(PLUGIN_DIR, 'dist/index.js'), 'createNodes') },
    cacheHit: { label: 'ours cache hit', measure: () => timeGraphCacheHit(prepared) },
    // Nx 22 reads createNodesV2, the only name @monodon/rust 3.0 exports.
    monodonInProcess: { label: 'monodon in-process', ...(nx22.unavailable ? { unavailable: true } : { measure: () => timeInProcess(prepared, join(nx22.nodeModules, '@monodon/rust'), 'createNodesV2') }) },
    bare24: { label: 'nx24-no-plugin', measure: nxGraphMeasure(prepared, 'nx24-no-plugin', join(REPO_ROOT, 'node_modules'), []) },
    ours24: { label: 'ours-nx24', measure: nxGraphMeasure(prepared, 'ours-nx24', join(REPO_ROOT, 'node_modules'), ['nx-cargo']) },
    bare22: nx22Column('nx22-no-plugin', []),
    ours22: nx22Column('ours-nx22', ['nx-cargo']),
    monodon22: nx22Column('monodon-nx22', ['@monodon/rust']),
  };
}

function benchSize(prepared, nx22, runs) {
  const columns = columnsFor(prepared, nx22);
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
 * One fresh Node process that loads `pluginEntry` and builds the graph
 * IN_PROCESS_CALLS times. `ms` is the cold call's createNodes +
 * createDependencies, `warmMs` the last call's; module loading is `requireMs`.
 * Both the cold and the warm graph are checked.
 */
function timeInProcess(prepared, pluginEntry, nodesExport) {
  // Cold means no graph cached by an earlier run: ours keeps one in the workspace data folder.
  rmSync(join(prepared.tree, '.nx/workspace-data'), { recursive: true, force: true });
  const { ms, requireMs, runs, cold, warm } = runInProcess(prepared, pluginEntry, nodesExport, IN_PROCESS_CALLS);
  const first = runs[0];
  const last = runs.at(-1);
  return { ms: first.total, warmMs: last.total, requireMs, processMs: ms, cold: first, warm: last, graph: checkGraph(cold, prepared.expected), warmGraph: checkGraph(warm, prepared.expected) };
}

/** Runs in-process.mjs for `calls` graphs; returns its report and the process wall time. */
function runInProcess({ tree, manifestList }, pluginEntry, nodesExport, calls) {
  // --disable-warning: path.matchesGlob is experimental in Node 20 and 22.
  const child = ['--disable-warning=ExperimentalWarning', join(HERE, 'in-process.mjs'), pluginEntry, nodesExport, tree, manifestList, String(calls)];
  // NX_WORKSPACE_ROOT_PATH: what Nx's devkit takes as workspaceRoot (monodon's edges read it).
  const env = { ...NX_RUN_ENV, NX_WORKSPACE_ROOT_PATH: tree };
  delete env.NX_WORKSPACE_DATA_DIRECTORY;
  const { ms, result } = timed(() => spawnSync(process.execPath, child, { cwd: tree, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (result.status !== 0) throw new BenchError(`in-process run of ${pluginEntry} failed:\n${lastLines(result.stderr)}`);
  return { ms, ...JSON.parse(result.stdout) };
}

/**
 * Ours in a fresh process when its graph cache (kept in .nx/workspace-data)
 * is valid: what every nx command without the daemon costs while no Cargo
 * file changed. The cache is primed first (files changed within 2 s are too
 * fresh to cache, so priming waits that out). Once a priming run has written
 * the cache, nothing it was read from changes, so the timed run is a hit; one
 * that rewrote the cache file was not, and fails the column.
 */
function timeGraphCacheHit(prepared) {
  const cacheFile = join(prepared.tree, '.nx/workspace-data/nx-cargo-graph.json');
  const run = () => runInProcess(prepared, join(PLUGIN_DIR, 'dist/index.js'), 'createNodes', 1);
  // A cache left by the cold column predates its manifest rewrites: start from none.
  rmSync(cacheFile, { force: true });
  for (let attempt = 1; !existsSync(cacheFile); attempt++) {
    if (attempt > 3) throw new BenchError(`the graph cache was never written to ${cacheFile}`);
    if (attempt > 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    run();
  }
  const writtenAt = statSync(cacheFile).mtimeMs;
  const { ms, requireMs, runs, cold } = run();
  if (statSync(cacheFile).mtimeMs !== writtenAt) throw new BenchError('the graph cache was recomputed, not hit');
  return { ms: runs[0].total, requireMs, processMs: ms, cold: runs[0], graph: checkGraph(cold, prepared.expected) };
}

/** A measure for `nx graph` in its own Nx workspace around a copy of the tree. */
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
  return () => timeNxGraph(root, nxBin, expected);
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

function printReport(reports, runs, nx22) {
  const header = ['', ...reports.map((report) => `${report.size} crates`)];
  const median = (report, key, pick = (sample) => sample.ms) => medianOf(report.columns[key].samples.map(pick));
  const warm = (report, key) => median(report, key, (sample) => sample.warmMs);
  const ms = (pick) => reports.map((report) => formatMs(pick(report)));
  const ratio = (pick) => reports.map((report) => formatRatio(pick(report)));
  // What a plugin adds to Nx's own cost (same Nx, same tree, no plugin).
  const pluginPart = (report, key, bare) => median(report, key) - median(report, bare);
  const pluginRows = [
    ['cargo metadata (process)', ...ms((r) => median(r, 'metadata'))],
    ['ours cold (1st createNodes+createDependencies)', ...ms((r) => median(r, 'inProcess'))],
    [`ours warm (call ${IN_PROCESS_CALLS}, same process)`, ...ms((r) => warm(r, 'inProcess'))],
    ['ours, graph cache hit (fresh process, no Cargo file changed)', ...ms((r) => median(r, 'cacheHit'))],
    ['ours require (module loading, once per worker)', ...ms((r) => median(r, 'inProcess', (s) => s.requireMs))],
    ['monodon cold (1st createNodesV2+createDependencies)', ...ms((r) => median(r, 'monodonInProcess'))],
    [`monodon warm (call ${IN_PROCESS_CALLS}, same process)`, ...ms((r) => warm(r, 'monodonInProcess'))],
    ['ratio ours cache hit / cargo metadata', ...ratio((r) => median(r, 'cacheHit') / median(r, 'metadata')), '(target <= 0.2 at 500)'],
    ['ratio ours cold / cargo metadata', ...ratio((r) => median(r, 'inProcess') / median(r, 'metadata')), '(target <= 0.2 at 500)'],
    ['ratio ours warm / cargo metadata', ...ratio((r) => warm(r, 'inProcess') / median(r, 'metadata')), '(target <= 0.2 at 500)'],
    ['ratio monodon cold / ours cache hit', ...ratio((r) => median(r, 'monodonInProcess') / median(r, 'cacheHit')), '(target >= 10)'],
    ['ratio monodon / ours, cold', ...ratio((r) => median(r, 'monodonInProcess') / median(r, 'inProcess')), '(target >= 10)'],
    ['ratio monodon / ours, warm', ...ratio((r) => warm(r, 'monodonInProcess') / warm(r, 'inProcess')), '(target >= 10)'],
  ];
  const nxRows = [
    ['nx 24 graph, no plugin (Nx alone)', ...ms((r) => median(r, 'bare24'))],
    ['ours, nx 24 graph', ...ms((r) => median(r, 'ours24'))],
    ['  ours minus Nx alone', ...ms((r) => pluginPart(r, 'ours24', 'bare24'))],
    ['nx 22 graph, no plugin (Nx alone)', ...ms((r) => median(r, 'bare22'))],
    ['ours, nx 22 graph', ...ms((r) => median(r, 'ours22'))],
    ['  ours minus Nx alone', ...ms((r) => pluginPart(r, 'ours22', 'bare22'))],
    ['monodon, nx 22 graph', ...ms((r) => median(r, 'monodon22'))],
    ['  monodon minus Nx alone', ...ms((r) => pluginPart(r, 'monodon22', 'bare22'))],
    ['ratio monodon / ours, nx 22 graph', ...ratio((r) => median(r, 'monodon22') / median(r, 'ours22'))],
    ['ratio same, minus Nx alone', ...ratio((r) => pluginPart(r, 'monodon22', 'bare22') / pluginPart(r, 'ours22', 'bare22'))],
  ];
  console.log(`\nnx-cargo graph benchmark: medians of ${runs} runs, ms (nx 24 = this repo's, nx 22 = ${nx22.version ?? 'unavailable'}; seed ${SEED}, one virtual workspace, libs, path deps only)`);
  console.log(`\nplugins' own graph work, in-process (no Nx, module loading apart; cold = 1st call in a fresh process, no graph cache on disk; warm = call ${IN_PROCESS_CALLS}, after a manifest rewrite):\n`);
  console.log(formatTable([header, ...pluginRows]));
  console.log('\nend to end, `nx graph --file` in a fresh process, .nx/workspace-data (graph caches) deleted first (includes Nx and module loading):\n');
  console.log(formatTable([header, ...nxRows]));
  printChecks(reports);
  printBreakdown(reports);
  printFailures(reports, nx22);
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
