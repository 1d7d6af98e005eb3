#!/usr/bin/env node
// Inputs-cost benchmark: what the plugin's inferred task inputs cost Nx to
// hash, next to Nx's default inputs, over every crate's `build` task.
//
//   node tools/bench/inputs-cost/run.mjs [--runs 5] [--crates 500]
//
// It generates one virtual Cargo workspace (libs with path deps only, fixed
// seed), runs `cargo generate-lockfile --offline` once, and lays out two Nx
// workspaces around copies of it that use this repository's built plugin:
//   - ours: nx.json `{ "plugins": ["nx-cargo"] }`, so `build` keeps the
//     plugin's inferred inputs (the named input `cargo`: the crate's files,
//     the workspace's Cargo files, `rustc -vV`, RUSTFLAGS-style variables and
//     the crate's external closure; and the crates it builds against);
//   - default: the same plus `targetDefaults` for the `nx-cargo:cargo`
//     executor with Nx's default inputs, `["default", "^default"]`.
// `nx show project` confirms, before anything is timed, which inputs `build`
// has in each. Then, round after round so that machine noise spreads over
// both, it times `nx graph --file=graph.json --targets=build` (no daemon),
// which builds the project graph, then the task graph of every crate's
// `build`, and hashes every task. Before each run everything in
// .nx/workspace-data is deleted (Nx's project graph, file map, file-hash and
// task databases) except the plugin's own graph cache, nx-cargo-graph.json,
// which a warm-up run per workspace writes and every timed run must hit
// (it stays untouched): so both columns do the same graph work and only the
// inputs, and so the hashing, differ.
//
// Every sample is checked, so a broken run is never timed as a fast one: nx
// exits 0, recomputes the project graph, and graph.json holds one task plan
// per crate (`taskPlans`, keyed `<project>:build`), with `rustc -vV` in the
// plans of ours and not in those of the default inputs. Prints medians, the
// part of each run outside Nx's project graph (from NX_PERF_LOGGING: task
// graph, hashing, writing graph.json) and the ratio ours / default; writes
// nothing into the repo.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { NxWorkspace } from '../../support/nx-workspace.mjs';
import { BenchError, checkBuilt, checkCargo, formatMs, formatRatio, formatTable, lastLines, loadGenerator, log, measureRounds, medianOf, positiveInt, readJson, REPO_ROOT, runBench, runOk, timed } from '../support.mjs';

const SEED = 1;
const NX_BIN = join(REPO_ROOT, 'node_modules/nx/dist/bin/nx.js');
const WORKSPACE_DATA = '.nx/workspace-data';
const NX_GRAPH_CACHE = `${WORKSPACE_DATA}/project-graph.json`;
/** The plugin's own graph cache: kept between runs, so both columns do the same graph work. */
const OUR_GRAPH_CACHE = `${WORKSPACE_DATA}/nx-cargo-graph.json`;
/** Nx's default inputs, as targetDefaults sets them for the default column. */
const DEFAULT_INPUTS = ['default', '^default'];
/** A task plan node only the plugin's inputs bring in. */
const RUNTIME_NODE = 'runtime:rustc -vV';
/**
 * The plugin does not cache a graph read from files changed within its racy
 * window (2 s); the warm-up waits this long after writing the tree.
 */
const SETTLE_MS = 2500;
/** Nx's own perf marks (NX_PERF_LOGGING=true) the report splits a run by. */
const GRAPH_MARK = 'createProjectGraphAsync';
const TARGET_RATIO = 1.5;

await runBench(() => main(parseOptions(process.argv.slice(2))));

async function main({ runs, crates }) {
  checkCargo();
  checkBuilt();
  const { generateRepo } = await loadGenerator();
  const scratch = mkdtempSync(join(tmpdir(), 'nx-cargo-bench-inputs-cost-'));
  const workspaces = [];
  try {
    const fixture = prepare(scratch, crates, generateRepo, workspaces);
    const columns = columnsFor(fixture);
    const started = performance.now();
    measureRounds(columns, runs, { name: 'label', heading: (run) => `run ${run}/${runs} (ms)` });
    log(`measured in ${Math.round((performance.now() - started) / 1000)} s`);
    printReport(fixture, columns, runs);
    if (Object.values(columns).some((column) => column.error)) process.exitCode = 1;
  } finally {
    for (const ws of workspaces) ws.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// --- options ------------------------------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '5' }, crates: { type: 'string', default: '500' } } });
  return { runs: positiveInt(values.runs, '--runs'), crates: positiveInt(values.crates, '--crates') };
}

// --- the fixture ------------------------------------------------------------------

/**
 * The generated tree in two Nx workspaces (pushed onto `workspaces` as soon as
 * they exist, for the caller to dispose), each checked for the inputs of
 * `build` and warmed up so that the plugin's graph cache is on disk.
 */
function prepare(scratch, crates, generateRepo, workspaces) {
  const tree = join(scratch, 'tree');
  log(`generating ${crates} crates in ${tree}`);
  const summary = generateRepo(tree, { crates, seed: SEED, variety: false, externalDeps: false, clean: true });
  runOk('cargo', ['generate-lockfile', '--offline'], tree);
  const roots = new Set(summary.packages.map((pkg) => pkg.dir));
  if (roots.size !== crates) throw new BenchError(`the generator wrote ${roots.size} crates, not ${crates}`);
  const variants = {
    ours: { label: 'ours', nxJson: { plugins: ['nx-cargo'] } },
    default: { label: 'nx default', nxJson: { plugins: ['nx-cargo'], targetDefaults: { 'nx-cargo:cargo': { inputs: DEFAULT_INPUTS } } } },
  };
  for (const [key, variant] of Object.entries(variants)) {
    const ws = new NxWorkspace({ root: join(scratch, key) });
    workspaces.push(ws);
    // The tree's own .gitignore ("target/") would replace the workspace's,
    // which also leaves out node_modules and .nx.
    cpSync(tree, ws.root, { recursive: true, filter: (source) => source !== join(tree, '.gitignore') });
    ws.write('.gitignore', 'node_modules\ntarget\n.nx\n');
    ws.write('nx.json', JSON.stringify(variant.nxJson, null, 2));
    variant.ws = ws;
  }
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
  const probe = summary.packages[0];
  for (const [key, variant] of Object.entries(variants)) {
    variant.names = projectNames(variant.ws, roots);
    variant.inputs = buildInputs(variant.ws, variant.names.get(probe.dir));
    const isDefault = JSON.stringify(variant.inputs) === JSON.stringify(DEFAULT_INPUTS);
    if (key === 'default' && !isDefault) throw new BenchError(`targetDefaults did not apply: build's inputs in ${variant.ws.root} are ${JSON.stringify(variant.inputs)}`);
    if (key === 'ours' && isDefault) throw new BenchError(`build's inputs in ${variant.ws.root} are Nx's defaults, not the plugin's`);
    // Untimed: writes the plugin's graph cache, which every timed run must then hit.
    log(`warming up ${variant.label}`);
    variant.ws.nxOk(['graph', '--file=graph.json', '--targets=build']);
    if (!existsSync(join(variant.ws.root, OUR_GRAPH_CACHE))) throw new BenchError(`the warm-up wrote no ${OUR_GRAPH_CACHE} in ${variant.ws.root}`);
  }
  return { crates, roots, probe, variants };
}

/** Project name by crate folder, from `nx graph --file` (every crate must be a project). */
function projectNames(ws, roots) {
  const graph = ws.graph();
  const names = new Map(Object.values(graph.nodes).filter((node) => roots.has(node.data.root)).map((node) => [node.data.root, node.name]));
  if (names.size !== roots.size) throw new BenchError(`found ${names.size} of the ${roots.size} crates as projects in ${ws.root}`);
  return names;
}

/** The `build` target's inputs of one project, as Nx resolved them (`nx show project --json`). */
function buildInputs(ws, project) {
  const result = ws.nxOk(['show', 'project', project, '--json']);
  const target = JSON.parse(result.stdout).targets?.build;
  if (!target) throw new BenchError(`${project} has no build target in ${ws.root}`);
  return target.inputs;
}

// --- measurements -------------------------------------------------------------------

function columnsFor({ variants, roots }) {
  return Object.fromEntries(Object.entries(variants).map(([key, variant]) => [key, { label: variant.label, measure: () => timeGraph(variant, key === 'ours', roots) }]));
}

/** One `nx graph --targets=build` with every Nx cache deleted first and the plugin's kept. */
function timeGraph({ ws, names }, ours, roots) {
  const data = join(ws.root, WORKSPACE_DATA);
  for (const entry of readdirSync(data)) if (entry !== 'nx-cargo-graph.json') rmSync(join(data, entry), { recursive: true, force: true });
  rmSync(join(ws.root, 'graph.json'), { force: true });
  const ourCache = statSync(join(ws.root, OUR_GRAPH_CACHE)).mtimeMs;
  const nxArgs = ['graph', '--file=graph.json', '--targets=build'];
  const { ms, result } = timed(() => spawnSync(process.execPath, [NX_BIN, ...nxArgs], { cwd: ws.root, env: ws.nxEnv({ NX_PERF_LOGGING: 'true' }), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
  if (result.status !== 0) throw new BenchError(`nx ${nxArgs.join(' ')} exited ${result.status} in ${ws.root}:\n${lastLines(output)}`);
  // Everything Nx keeps was deleted above, so a cache file now means Nx computed the graph in this run.
  if (!existsSync(join(ws.root, NX_GRAPH_CACHE))) throw new BenchError(`nx graph wrote no ${NX_GRAPH_CACHE} in ${ws.root}: did it compute the graph?`);
  if (statSync(join(ws.root, OUR_GRAPH_CACHE), { throwIfNoEntry: false })?.mtimeMs !== ourCache) throw new BenchError(`the plugin's graph cache in ${ws.root} missed (it was rewritten), so the graph work differed`);
  const graphMs = perfMark(output, GRAPH_MARK);
  if (graphMs === undefined) throw new BenchError(`no '${GRAPH_MARK}' perf mark in the output of nx graph (NX_PERF_LOGGING=true) in ${ws.root}`);
  return { ms, graphMs, restMs: ms - graphMs, ...checkPlans(readJson(join(ws.root, 'graph.json')).taskPlans, names, roots, ours) };
}

/** The first `Time taken for '<mark>' <n>ms` line of NX_PERF_LOGGING output. */
function perfMark(output, mark) {
  const match = output.match(new RegExp(`Time taken for '${mark}' ([0-9.]+)ms`));
  return match ? Number(match[1]) : undefined;
}

/**
 * One plan per crate's build and nothing else; `rustc -vV` in every plan of
 * ours and in none of the default inputs'. Returns the median plan size.
 */
function checkPlans(taskPlans, names, roots, ours) {
  if (!taskPlans || typeof taskPlans !== 'object') throw new BenchError('graph.json has no taskPlans');
  const expected = [...roots].map((root) => `${names.get(root)}:build`);
  const missing = expected.filter((id) => !Array.isArray(taskPlans[id]));
  if (missing.length > 0) throw new BenchError(`graph.json has no task plan for ${missing.length} of the ${expected.length} crates' builds (e.g. ${missing[0]})`);
  const extra = Object.keys(taskPlans).length - expected.length;
  if (extra !== 0) throw new BenchError(`graph.json has ${extra} task plans besides the ${expected.length} crates' builds`);
  const wrong = expected.filter((id) => taskPlans[id].includes(RUNTIME_NODE) !== ours);
  if (wrong.length > 0) throw new BenchError(`${wrong.length} task plans ${ours ? 'lack' : 'have'} ${RUNTIME_NODE} (e.g. ${wrong[0]}): not the inputs this column is for`);
  return { plans: expected.length, planNodes: medianOf(expected.map((id) => taskPlans[id].length)) };
}

// --- report ---------------------------------------------------------------------------

function printReport({ crates, probe, variants }, columns, runs) {
  const median = (key, pick = (sample) => sample.ms) => medianOf(columns[key].samples.map(pick));
  const extreme = (key, fn) => (columns[key].samples.length ? fn(...columns[key].samples.map((sample) => sample.ms)) : NaN);
  const ratio = (pick) => median('ours', pick) / median('default', pick);
  const verdict = (value) => (Number.isFinite(value) ? (value <= TARGET_RATIO ? `(target <= ${TARGET_RATIO}: met)` : `(target <= ${TARGET_RATIO}: MISSED)`) : '');
  const row = (label, pick) => [label, formatMs(median('ours', pick)), formatMs(median('default', pick)), formatRatio(ratio(pick))];
  const rows = [
    ['', 'ours', 'nx default', 'ours/default'],
    [...row('nx graph --targets=build (wall)', (sample) => sample.ms), verdict(ratio((sample) => sample.ms))],
    [...row(`  project graph (Nx's ${GRAPH_MARK})`, (sample) => sample.graphMs)],
    [...row('  the rest: task graph, hashing, graph.json', (sample) => sample.restMs)],
    ['  min / max (wall)', ...['ours', 'default'].map((key) => `${formatMs(extreme(key, Math.min))} / ${formatMs(extreme(key, Math.max))}`), ''],
    ['task plans (one per crate)', ...['ours', 'default'].map((key) => formatMs(median(key, (sample) => sample.plans))), ''],
    ['nodes per task plan (median)', ...['ours', 'default'].map((key) => formatMs(median(key, (sample) => sample.planNodes))), ''],
  ];
  console.log(`\nnx-cargo inputs-cost benchmark: medians of ${runs} runs, ms (${crates} crates, seed ${SEED}, one virtual workspace, libs, path deps only; NX_DAEMON=false, .nx/workspace-data emptied before each run but for the plugin's graph cache)\n`);
  console.log(formatTable(rows, [0]));
  console.log(`\nbuild's inputs (${variants.ours.names.get(probe.dir)}): ours ${JSON.stringify(variants.ours.inputs)}; nx default ${JSON.stringify(variants.default.inputs)}`);
  const failures = Object.values(columns).filter((column) => column.error).map((column) => `${column.label}: ${column.error}`);
  if (failures.length > 0) console.log(`\nfailures:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
}
