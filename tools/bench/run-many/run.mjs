#!/usr/bin/env node
// run-many benchmark: what running every crate's task through Nx costs next to
// one cargo command over the whole workspace.
//
//   node tools/bench/run-many/run.mjs [--runs 3] [--crates 100] [--code-lines 0]
//
// It generates one virtual Cargo workspace (`members = ["crates/*"]`, libs
// with path deps only, fixed seed; every BIN_EVERY-th crate also gets a
// src/main.rs, so some builds link binaries and cache them as Nx outputs)
// inside a temporary Nx workspace that uses this repository's built plugin,
// appends about --code-lines lines of ordinary Rust to every lib.rs (a
// `pub mod generated`: derived traits, a trait with impls, generic functions
// used with concrete types, match-heavy functions and two unit tests, with
// names and constants that differ from crate to crate; none by default, when
// each crate is a few lines and compiles in some 30 ms, so Nx's fixed cost
// outweighs the build; real crates take far longer to compile),
// runs `cargo generate-lockfile --offline` once, primes Nx's project graph,
// and then, round after round so that machine noise spreads over all of them,
// times:
//   1. `cargo build --workspace`, cold (target/ deleted first), then again as a
//      no-op (everything fresh);
//   2. `nx run-many -t build`, cold (target/ and the Nx cache deleted first),
//      batched (the executor's default, preferBatch) and with --batch=false
//      (one `cargo build -p` per task, Nx's default parallel 3);
//   3. `cargo test --workspace` with everything compiled (run once untimed,
//      then timed) against `nx run-many -t test` with every task a cache hit
//      (run once untimed to fill the cache, then timed);
//   4. `nx show projects`: Nx start-up and the graph from its cache, the floor
//      under every nx row, for reading the ratios.
// Nx's graph caches under .nx/workspace-data stay warm throughout, as they do
// for a user between commands (no daemon here: NX_DAEMON=false).
//
// Every sample is checked, so a broken run is never timed as a fast one:
// cargo exits 0 and compiles every crate (cold) or nothing (no-op, test no-op)
// without a warning, every test target passes and runs exactly the #[test]s
// in the sources; nx exits 0, reports success for exactly the
// expected number of projects, and reports the expected number of cache hits
// (none cold, all for the cached test run); after a cold build every crate's
// .rlib and every binary exists in target/debug (deleted before the run).
// A `cargo` shim first on PATH (a sh script that logs its arguments and execs
// the real cargo, for the cargo rows too) counts the cargo processes of each
// sample: batch must run fewer `cargo build`s than there are tasks, --batch=false
// one per task, and the cached test run none at all.
// Prints medians, min and max, Nx's own "Run duration" for nx rows, the cargo
// processes, and the ratios; writes nothing into the repo.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { NxWorkspace } from '../../support/nx-workspace.mjs';
import { BenchError, checkBuilt, checkCargo, formatMs, formatRatio, formatTable, lastLines, loadGenerator, log, measureRounds, medianOf, PLUGIN_DIR, positiveInt, readJson, REPO_ROOT, runBench, runOk, timed } from '../support.mjs';

const SEED = 1;
/** Every BIN_EVERY-th crate (by name) gets a src/main.rs as well as its lib. */
const BIN_EVERY = 10;
/**
 * Environment for cargo and nx alike: never the network (path deps only, so
 * nothing needs it, but a stray index update must not be timed), and target/
 * where the bench deletes it (a CARGO_TARGET_DIR from the shell would put it
 * elsewhere and make "cold" warm).
 */
const CARGO_ENV = { CARGO_NET_OFFLINE: 'true', CARGO_TARGET_DIR: undefined, CARGO_BUILD_TARGET_DIR: undefined };
/** Cargo subcommands the process count names; anything else counts as `other`. */
const SUBCOMMANDS = new Set(['build', 'check', 'test', 'clippy', 'fmt', 'doc', 'run', 'rustc', 'metadata', 'tree', 'locate-project', 'pkgid', 'generate-lockfile', 'read-manifest']);

await runBench(() => main(parseOptions(process.argv.slice(2))));

async function main({ runs, crates, codeLines }) {
  checkCargo();
  checkBuilt([join(PLUGIN_DIR, 'dist/executors/cargo/executor.js')]);
  const batch = batchSupport();
  const { generateRepo } = await loadGenerator();
  const ws = new NxWorkspace();
  const shimDir = mkdtempSync(join(tmpdir(), 'nx-cargo-bench-run-many-shim-'));
  try {
    const fixture = prepare(ws, crates, codeLines, generateRepo, cargoShim(shimDir));
    const columns = columnsFor(fixture, batch);
    const started = performance.now();
    measureRounds(columns, runs, { name: 'short', heading: (run) => `run ${run}/${runs} (ms)` });
    log(`measured in ${Math.round((performance.now() - started) / 1000)} s`);
    printReport(fixture, columns, runs, batch);
    if (Object.values(columns).some((column) => column.error || column.unavailable)) process.exitCode = 1;
  } finally {
    ws.dispose();
    rmSync(shimDir, { recursive: true, force: true });
  }
}

// --- options and prerequisites ----------------------------------------------

function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '3' }, crates: { type: 'string', default: '100' }, 'code-lines': { type: 'string', default: '0' } } });
  return { runs: positiveInt(values.runs, '--runs'), crates: positiveInt(values.crates, '--crates'), codeLines: nonNegativeInt(values['code-lines'], '--code-lines') };
}

function nonNegativeInt(text, option) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) throw new BenchError(`${option} takes a non-negative integer, got "${text}"`);
  return value;
}

/**
 * Whether the cargo executor declares a batch implementation that Nx prefers.
 * Without one, `nx run-many` runs task by task whatever --batch says, so the
 * batch column would time the same thing as the non-batch one: it is skipped.
 */
function batchSupport() {
  const executor = readJson(join(PLUGIN_DIR, 'executors.json')).executors?.cargo ?? {};
  if (!executor.batchImplementation) return { unavailable: 'plugins/nx-cargo/executors.json declares no batchImplementation for the cargo executor' };
  const file = join(PLUGIN_DIR, executor.batchImplementation);
  if (![file, `${file}.js`].some((candidate) => existsSync(candidate))) throw new BenchError(`the batch implementation ${relative(REPO_ROOT, file)}(.js) is missing: run \`npm run build\` first`);
  if (executor.preferBatch !== true) return { unavailable: 'the cargo executor has a batchImplementation but no `preferBatch: true`, so `nx run-many` does not batch by default' };
  return {};
}

/**
 * A `cargo` first on PATH that appends its arguments to a log and execs the
 * real one; returns the environment that puts it there, for cargo and nx alike.
 */
function cargoShim(dir) {
  const real = spawnSync('sh', ['-c', 'command -v cargo'], { encoding: 'utf8' }).stdout.trim();
  if (!real.startsWith('/')) throw new BenchError(`could not find the cargo binary on PATH (command -v cargo said "${real}")`);
  const log = join(dir, 'cargo.log');
  writeFileSync(join(dir, 'cargo'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(dir, 'cargo'), 0o755);
  return { log, env: { ...CARGO_ENV, PATH: `${dir}:${process.env.PATH}` } };
}

// --- the fixture ----------------------------------------------------------------

/** The generated crates inside the Nx workspace, a lockfile, and what each run must produce. */
function prepare(ws, crates, codeLines, generateRepo, shim) {
  const tree = mkdtempSync(join(tmpdir(), 'nx-cargo-bench-run-many-tree-'));
  let summary;
  try {
    log(`generating ${crates} crates in ${ws.root}`);
    summary = generateRepo(tree, { crates, seed: SEED, variety: false, externalDeps: false, clean: true });
    // The workspace keeps its own .gitignore (node_modules, target, .nx).
    cpSync(tree, ws.root, { recursive: true, filter: (source) => source !== join(tree, '.gitignore') });
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
  const packages = [...summary.packages].sort((a, b) => a.name.localeCompare(b.name));
  const binaries = packages.filter((_, index) => index % BIN_EVERY === 0);
  for (const pkg of binaries) ws.write(`${pkg.dir}/src/main.rs`, mainRs(pkg.name));
  const appended = codeLines > 0 ? packages.map((pkg, index) => appendCode(ws, pkg, index, codeLines)) : [];
  runOk('cargo', ['generate-lockfile', '--offline'], ws.root);
  const fixture = {
    ws,
    shim,
    loadBefore: loadavg()[0].toFixed(2),
    crates: packages.length,
    binaries: binaries.length,
    codeLines,
    appendedLines: appended.length > 0 ? { min: Math.min(...appended), max: Math.max(...appended) } : undefined,
    artifacts: [...packages.map((pkg) => `target/debug/lib${crateIdent(pkg.name)}.rlib`), ...binaries.map((pkg) => `target/debug/${pkg.name}`)],
    // One unit-test harness per lib and per binary, one doc-test run per lib.
    testTargets: 2 * packages.length + binaries.length,
    // What those harnesses run in all: every #[test] in the sources (the
    // generator's and the appended ones; the doc comments hold no examples).
    tests: countTests(ws, packages, binaries),
  };
  // Once untimed: the fixture builds, and the first timed sample does not pay
  // for loading rustc and the standard library from disk.
  checkCargo0(cargo(fixture, ['build', '--workspace']), `cargo build --workspace in ${ws.root}`);
  clearTarget(fixture);
  primeNx(fixture, packages.map((pkg) => pkg.name));
  return fixture;
}

/** Every #[test] in the libs' and binaries' sources, as the test harnesses must run them. */
function countTests(ws, packages, binaries) {
  const sources = [...packages.map((pkg) => `${pkg.dir}/src/lib.rs`), ...binaries.map((pkg) => `${pkg.dir}/src/main.rs`)];
  return sources.reduce((sum, file) => sum + countLines(ws.read(file), /^\s*#\[test\]\s*$/), 0);
}

/**
 * Appends about `lines` lines of ordinary Rust to the crate's lib.rs (see
 * generatedCode); returns how many it appended.
 */
function appendCode(ws, pkg, index, lines) {
  if (pkg.lib !== 'lib') throw new BenchError(`--code-lines: ${pkg.name} is a ${pkg.lib ?? 'binary-only'} crate, expected a plain lib`);
  const file = `${pkg.dir}/src/lib.rs`;
  const code = generatedCode(pkg.name, index, lines);
  ws.write(file, `${ws.read(file)}${code}`);
  return code.split('\n').length - 1;
}

/**
 * About `lines` lines of warning-free Rust for rustc to really compile: a
 * `pub mod generated` with a trait and generic helpers, then as many units as
 * fit (an enum and a struct with derived traits, match-heavy methods, trait and
 * Display impls, non-generic pub functions that use the generic helpers with
 * the unit's types, so their code is generated in this crate), then two unit
 * tests. Type names carry the crate's name and the constants its index, so no
 * two crates compile the same code; deterministic.
 */
function generatedCode(name, index, lines) {
  const camel = name.split('-').map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  /** A small constant that differs from crate to crate and unit to unit. */
  const c = (unit, salt) => (((index + 1) * 7919 + unit * 104_729 + salt * 1_299_709) % 997) + 3;
  const head = [
    '',
    '/// Ordinary code for rustc to compile (run-many bench, --code-lines).',
    'pub mod generated {',
    '    use std::collections::BTreeMap;',
    '    use std::fmt;',
    '',
    '    /// Implemented by every record type below.',
    '    pub trait Score {',
    '        fn score(&self) -> u64;',
    '',
    '        fn label(&self) -> String {',
    '            format!("score {}", self.score())',
    '        }',
    '    }',
    '',
    '    pub fn total<T: Score>(items: &[T]) -> u64 {',
    '        items.iter().map(Score::score).fold(0, u64::wrapping_add)',
    '    }',
    '',
    '    pub fn best<T: Score + Clone>(items: &[T]) -> Option<T> {',
    '        items.iter().max_by_key(|item| item.score()).cloned()',
    '    }',
    '',
    '    pub fn counts<K: Ord + Copy, T>(items: &[T], key: impl Fn(&T) -> K) -> BTreeMap<K, usize> {',
    '        let mut map = BTreeMap::new();',
    '        for item in items {',
    '            *map.entry(key(item)).or_insert(0) += 1;',
    '        }',
    '        map',
    '    }',
  ];
  const unit = (k) => {
    const record = `${camel}Record${k}`;
    const kind = `${camel}Kind${k}`;
    return [
      '',
      '    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]',
      `    pub enum ${kind} {`,
      '        #[default]',
      '        Alpha,',
      '        Beta(u32),',
      '        Gamma { x: i64, y: i64 },',
      '        Delta,',
      '    }',
      '',
      `    impl ${kind} {`,
      '        pub fn code(self) -> u64 {',
      '            match self {',
      `                Self::Alpha => ${c(k, 1)},`,
      `                Self::Beta(n) if n > ${c(k, 2)} => u64::from(n) * 3,`,
      `                Self::Beta(n) => u64::from(n) + ${c(k, 3)},`,
      '                Self::Gamma { x, y } if x > y => (x - y).unsigned_abs(),',
      `                Self::Gamma { x, y } => x.wrapping_mul(y).unsigned_abs() % ${c(k, 4)},`,
      `                Self::Delta => ${c(k, 5)},`,
      '            }',
      '        }',
      '',
      '        pub fn from_code(n: u64) -> Self {',
      '            match n % 4 {',
      '                0 => Self::Alpha,',
      '                1 => Self::Beta((n % 1_000) as u32),',
      '                2 => Self::Gamma { x: (n % 50) as i64, y: (n % 7) as i64 - 3 },',
      '                _ => Self::Delta,',
      '            }',
      '        }',
      '    }',
      '',
      '    #[derive(Debug, Clone, PartialEq, Default)]',
      `    pub struct ${record} {`,
      '        pub id: u64,',
      '        pub name: String,',
      '        pub tags: Vec<String>,',
      '        pub weight: f64,',
      `        pub kind: ${kind},`,
      '    }',
      '',
      `    impl ${record} {`,
      '        pub fn new(id: u64, name: &str) -> Self {',
      '            let tags = (0..id % 4).map(|t| format!("{name}-{t}")).collect();',
      `            Self { id, name: name.to_string(), tags, weight: id as f64 * ${c(k, 6)}.5, kind: ${kind}::from_code(id) }`,
      '        }',
      '    }',
      '',
      `    impl Score for ${record} {`,
      '        fn score(&self) -> u64 {',
      '            let tags: u64 = self.tags.iter().map(|tag| tag.len() as u64).sum();',
      `            self.id.wrapping_mul(${c(k, 7)}) ^ tags ^ self.kind.code() ^ self.weight as u64`,
      '        }',
      '    }',
      '',
      `    impl fmt::Display for ${record} {`,
      "        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {",
      '            write!(f, "{}#{} {:?} [{}]", self.name, self.id, self.kind, self.tags.join(", "))',
      '        }',
      '    }',
      '',
      `    pub fn build_${k}(count: u64) -> Vec<${record}> {`,
      `        (0..count).map(|i| ${record}::new(i + ${c(k, 8)}, "${name}-${k}")).collect()`,
      '    }',
      '',
      `    pub fn classify_${k}(value: i64) -> &'static str {`,
      '        match value {',
      '            i64::MIN..=-1 => "negative",',
      '            0 => "zero",',
      `            1..=${c(k, 9)} => "small",`,
      `            v if v % ${c(k, 10)} == 0 => "round",`,
      '            v if v % 2 == 0 => "even",',
      '            _ => "odd",',
      '        }',
      '    }',
      '',
      `    pub fn parse_${k}(input: &str) -> Result<Vec<u64>, String> {`,
      `        input.split(',').map(|part| part.trim().parse::<u64>().map_err(|e| format!("{part:?}: {e}"))).collect()`,
      '    }',
      '',
      `    pub fn run_${k}() -> u64 {`,
      `        let records = build_${k}(${(c(k, 11) % 20) + 5});`,
      '        let by_kind = counts(&records, |record| record.kind);',
      '        let best = best(&records).map_or(0, |record| record.id);',
      '        let text: usize = records.iter().map(|record| record.to_string().len() + record.label().len()).sum();',
      `        let parsed = parse_${k}("1, 2, ${c(k, 12)}").unwrap_or_default().into_iter().sum::<u64>();`,
      `        total(&records) ^ best ^ by_kind.len() as u64 ^ text as u64 ^ parsed ^ classify_${k}(best as i64).len() as u64`,
      '    }',
    ];
  };
  const tests = [
    '',
    '    #[cfg(test)]',
    '    mod tests {',
    '        use super::*;',
    '',
    '        #[test]',
    '        fn records_compare_and_default() {',
    '            let records = build_0(5);',
    '            assert_eq!(records.len(), 5);',
    '            assert_eq!(records[1].clone(), records[1]);',
    `            assert_eq!(${camel}Kind0::default(), ${camel}Kind0::Alpha);`,
    `            assert_eq!(${camel}Record0::default().tags, Vec::<String>::new());`,
    '        }',
    '',
    '        #[test]',
    '        fn parse_classify_run() {',
    '            assert_eq!(parse_0("1, 2,3"), Ok(vec![1, 2, 3]));',
    '            assert!(parse_0("x").is_err());',
    '            assert_eq!(classify_0(0), "zero");',
    '            assert_eq!(classify_0(-4), "negative");',
    '            assert_eq!(run_0(), run_0());',
    '        }',
    '    }',
  ];
  const units = Math.max(1, Math.round((lines - head.length - tests.length - 1) / unit(0).length));
  return [...head, ...Array.from({ length: units }, (_, k) => unit(k)).flat(), ...tests, '}', ''].join('\n');
}

function mainRs(name) {
  return `fn main() {\n    println!("{} {}", ${crateIdent(name)}::NAME, ${crateIdent(name)}::value());\n}\n`;
}

function crateIdent(name) {
  return name.replace(/-/g, '_');
}

/** Builds (and caches) Nx's project graph once, and checks that every crate is a project. */
function primeNx(fixture, names) {
  fixture.names = names;
  // nx-cargo's inputs files: without them, Nx refuses to run tasks outside a terminal.
  const sync = nx(fixture, ['sync']);
  if (sync.status !== 0) throw new BenchError(`nx sync exited ${sync.status} in ${fixture.ws.root}:\n${lastLines(sync.text)}`);
  nxShowProjects(fixture);
}

/**
 * `nx show projects`: Nx start-up, plugin workers and the project graph from
 * its cache, the floor under every nx row. Checks that every crate is a project.
 */
function nxShowProjects(fixture) {
  const { ws, names } = fixture;
  const { ms, result, processes } = timedCargo(fixture, () => nx(fixture, ['show', 'projects', '--json']));
  if (result.status !== 0) throw new BenchError(`nx show projects exited ${result.status} in ${ws.root}:\n${lastLines(result.text)}`);
  let projects;
  try {
    projects = new Set(JSON.parse(result.stdout.slice(result.stdout.indexOf('['))));
  } catch {
    throw new BenchError(`nx show projects --json printed no project list:\n${lastLines(result.text)}`);
  }
  const missing = names.filter((name) => !projects.has(name));
  if (missing.length > 0) throw new BenchError(`${missing.length} of the ${names.length} crates are not Nx projects (first: ${missing.slice(0, 5).join(', ')})`);
  return { ms, processes };
}

// --- columns -------------------------------------------------------------------------

/** The rows of the report, each a `measure()` that returns one checked sample. */
function columnsFor(fixture, batch) {
  return {
    cargoCold: { short: 'cargo-cold', label: 'cargo build --workspace, cold', measure: () => cargoBuildCold(fixture) },
    cargoNoop: { short: 'cargo-noop', label: 'cargo build --workspace, no-op', measure: () => cargoBuildNoop(fixture) },
    nxBatchCold: { short: 'nx-batch-cold', label: 'nx run-many -t build, batch (default), cold', ...(batch.unavailable ? { unavailable: batch.unavailable } : { measure: () => nxBuildCold(fixture, []) }) },
    nxCold: { short: 'nx-nobatch-cold', label: 'nx run-many -t build --batch=false, cold', measure: () => nxBuildCold(fixture, ['--batch=false']) },
    cargoTest: { short: 'cargo-test-noop', label: 'cargo test --workspace, all compiled', measure: () => cargoTestNoop(fixture) },
    nxTestCached: { short: 'nx-test-cached', label: 'nx run-many -t test, all cache hits', measure: () => nxTestCached(fixture) },
    nxShow: { short: 'nx-show-projects', label: 'nx show projects (Nx start-up + graph)', measure: () => nxShowProjects(fixture) },
  };
}

function cargoBuildCold(fixture) {
  clearTarget(fixture);
  const { ms, result, processes } = timedCargo(fixture, () => cargo(fixture, ['build', '--workspace']));
  checkCargo0(result, 'cargo build --workspace (cold)');
  const compiled = countLines(result.stderr, /^\s*Compiling /);
  if (compiled !== fixture.crates) throw new BenchError(`cold cargo build --workspace compiled ${compiled} packages, expected ${fixture.crates}`);
  checkNoWarnings(result, 'cargo build --workspace (cold)');
  checkArtifacts(fixture, 'cargo build --workspace (cold)');
  return { ms, processes };
}

/** Runs right after cargoBuildCold in the same round, so everything is fresh. */
function cargoBuildNoop(fixture) {
  checkArtifacts(fixture, 'before the no-op cargo build');
  const { ms, result, processes } = timedCargo(fixture, () => cargo(fixture, ['build', '--workspace']));
  checkCargo0(result, 'cargo build --workspace (no-op)');
  const compiled = countLines(result.stderr, /^\s*Compiling /);
  if (compiled !== 0) throw new BenchError(`the no-op cargo build --workspace compiled ${compiled} packages, expected none`);
  return { ms, processes };
}

function nxBuildCold(fixture, extraArgs) {
  clearTarget(fixture);
  clearNxCache(fixture);
  const args = ['run-many', '-t', 'build', '--output-style=static', ...extraArgs];
  const { ms, result, processes } = timedCargo(fixture, () => nx(fixture, args));
  const what = `nx ${args.join(' ')} (cold)`;
  checkNxRun(result, what, 'build', fixture.crates, 0);
  checkArtifacts(fixture, what);
  const builds = processes.build ?? 0;
  const batched = !extraArgs.includes('--batch=false');
  if (batched && (builds < 1 || builds >= fixture.crates)) throw new BenchError(`${what} ran ${builds} \`cargo build\` processes for ${fixture.crates} tasks: it did not batch`);
  if (!batched && builds !== fixture.crates) throw new BenchError(`${what} ran ${builds} \`cargo build\` processes, expected one per task (${fixture.crates})`);
  return { ms, nxMs: runDuration(result.text), processes };
}

function cargoTestNoop(fixture) {
  const warm = cargo(fixture, ['test', '--workspace']);
  checkCargo0(warm, 'cargo test --workspace (untimed, to compile the tests)');
  checkNoWarnings(warm, 'cargo test --workspace (untimed, to compile the tests)');
  const { ms, result, processes } = timedCargo(fixture, () => cargo(fixture, ['test', '--workspace']));
  const what = 'cargo test --workspace (everything compiled)';
  checkCargo0(result, what);
  const compiled = countLines(result.stderr, /^\s*Compiling /);
  if (compiled !== 0) throw new BenchError(`${what} compiled ${compiled} packages, expected none`);
  const passed = countLines(result.stdout, /^test result: ok\./);
  if (passed !== fixture.testTargets) throw new BenchError(`${what} printed ${passed} "test result: ok." lines, expected ${fixture.testTargets} (unit tests of ${fixture.crates} libs and ${fixture.binaries} binaries, doc tests of ${fixture.crates} libs)`);
  const ran = [...result.stdout.matchAll(/^test result: ok\. (\d+) passed;/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  if (ran !== fixture.tests) throw new BenchError(`${what} passed ${ran} tests in all, expected ${fixture.tests} (every #[test] in the sources)`);
  return { ms, processes };
}

/** Fills the Nx cache with every test task (untimed), then times a run where all of them hit. */
function nxTestCached(fixture) {
  const args = ['run-many', '-t', 'test', '--output-style=static'];
  const fill = nx(fixture, args);
  const cachedBefore = cacheHits(fill.text);
  checkNxRun(fill, `nx ${args.join(' ')} (untimed, to fill the cache)`, 'test', fixture.crates, cachedBefore);
  const { ms, result, processes } = timedCargo(fixture, () => nx(fixture, args));
  const what = `nx ${args.join(' ')} (from the cache)`;
  checkNxRun(result, what, 'test', fixture.crates, fixture.crates);
  const ran = Object.values(processes).reduce((sum, count) => sum + count, 0);
  if (ran !== 0) throw new BenchError(`${what} ran ${ran} cargo processes (${formatProcesses(processes)}), expected none`);
  return { ms, nxMs: runDuration(result.text), processes };
}

// --- checks ----------------------------------------------------------------------------

function checkCargo0(result, what) {
  if (result.error) throw new BenchError(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new BenchError(`${what} exited ${result.status}:\n${lastLines(`${result.stdout}\n${result.stderr}`)}`);
}

/** Neither rustc nor cargo warned: the fixture, appended code included, is clean. */
function checkNoWarnings(result, what) {
  const warnings = result.stderr.split('\n').filter((line) => /^warning\b/.test(line));
  if (warnings.length > 0) throw new BenchError(`${what} printed ${warnings.length} warning lines (first: ${warnings[0]}):\n${lastLines(result.stderr)}`);
}

/**
 * An nx run-many passed: exit 0, Nx's own success line for exactly `tasks`
 * projects of `target`, and `cached` of them read from the cache.
 */
function checkNxRun(result, what, target, tasks, cached) {
  if (result.status !== 0) throw new BenchError(`${what} exited ${result.status}:\n${lastLines(result.text)}`);
  const success = result.text.match(new RegExp(`Successfully ran target ${target} for (\\d+) projects?`));
  if (!success) throw new BenchError(`${what} exited 0 but printed no "Successfully ran target ${target} for N projects" line:\n${lastLines(result.text)}`);
  if (Number(success[1]) !== tasks) throw new BenchError(`${what} ran ${target} for ${success[1]} projects, expected ${tasks}`);
  const hits = cacheHits(result.text);
  const of = result.text.match(/instead of running the command for \d+ out of (\d+) tasks/)?.[1];
  if (of !== undefined && Number(of) !== tasks) throw new BenchError(`${what} reported ${of} tasks, expected ${tasks}`);
  if (hits !== cached) throw new BenchError(`${what} read ${hits} of ${tasks} tasks from the Nx cache, expected ${cached}`);
}

/** Tasks Nx read from its cache, from its summary line (absent when none). */
function cacheHits(text) {
  const match = text.match(/Nx read the output from the cache instead of running the command for (\d+) out of \d+ tasks/);
  return match ? Number(match[1]) : 0;
}

/** Every crate's .rlib and every binary in target/debug (target/ was deleted before the run). */
function checkArtifacts({ ws, artifacts }, what) {
  const missing = artifacts.filter((file) => !existsSync(join(ws.root, file)));
  if (missing.length > 0) throw new BenchError(`after ${what}, ${missing.length} of ${artifacts.length} artifacts are missing (first: ${missing.slice(0, 3).join(', ')})`);
}

// --- running things ------------------------------------------------------------------------

function cargo({ ws, shim }, args) {
  const env = { ...process.env, ...shim.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return spawnSync('cargo', args, { cwd: ws.root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** ws.nx with the bench's environment; `text` is the output without colour codes (lines kept). */
function nx({ ws, shim }, args) {
  const result = ws.nx(args, shim.env);
  return { ...result, text: stripVTControlCharacters(`${result.stdout}\n${result.stderr}`).replace(/\r/g, '') };
}

/** Times `action` and counts the cargo processes it started, by subcommand. */
function timedCargo({ shim }, action) {
  rmSync(shim.log, { force: true });
  const { ms, result } = timed(action);
  const processes = {};
  const lines = existsSync(shim.log) ? readFileSync(shim.log, 'utf8').split('\n').filter(Boolean) : [];
  for (const line of lines) {
    const subcommand = line.split(' ').find((arg) => SUBCOMMANDS.has(arg)) ?? 'other';
    processes[subcommand] = (processes[subcommand] ?? 0) + 1;
  }
  return { ms, result, processes };
}

function clearTarget({ ws }) {
  rmSync(join(ws.root, 'target'), { recursive: true, force: true });
}

/**
 * Deleting the cache folder is what `nx reset --only-cache` does (the rows
 * that index it in Nx's database are left alone there too). The cold checks
 * make sure no task was read from the cache afterwards.
 */
function clearNxCache({ ws }) {
  rmSync(join(ws.root, '.nx/cache'), { recursive: true, force: true });
}

// --- report ----------------------------------------------------------------------------------

function printReport(fixture, columns, runs, batch) {
  const stat = (key, pick = (sample) => sample.ms) => {
    const values = columns[key].samples.map(pick).filter((value) => value !== undefined);
    return { median: medianOf(values), min: Math.min(...values), max: Math.max(...values) };
  };
  const row = (key, note = '') => {
    const { median, min, max } = stat(key);
    const nxMs = columns[key].samples.some((sample) => 'nxMs' in sample) ? formatMs(stat(key, (sample) => sample.nxMs).median) : '';
    const last = columns[key].samples.at(-1);
    return [columns[key].label, formatMs(median), formatMs(min), formatMs(max), nxMs, last ? formatProcesses(last.processes) : '-', note];
  };
  const ratio = (a, b) => formatRatio(stat(a).median / stat(b).median);
  const rows = [
    ['', 'median', 'min', 'max', 'nx "Run duration"', 'cargo processes'],
    row('cargoCold', '(target/ deleted)'),
    row('cargoNoop', '(everything fresh)'),
    row('nxBatchCold', '(target/ and .nx/cache deleted)'),
    row('nxCold', '(same; parallel 3)'),
    row('cargoTest', '(run once before, untimed)'),
    row('nxTestCached', `(${fixture.crates}/${fixture.crates} from the Nx cache)`),
    row('nxShow', '(graph from its cache: the floor of any nx command here)'),
    ['ratio batch cold / cargo cold', ratio('nxBatchCold', 'cargoCold'), '', '', '', '', '(target <= 1.3)'],
    ['ratio non-batch cold / cargo cold', ratio('nxCold', 'cargoCold')],
    ['ratio batch cold / non-batch cold', ratio('nxBatchCold', 'nxCold')],
    ['ratio cached nx test / cargo test no-op', ratio('nxTestCached', 'cargoTest'), '', '', '', '', '(target < 1)'],
  ];
  const wrapper = process.env.RUSTC_WRAPPER ? `RUSTC_WRAPPER=${process.env.RUSTC_WRAPPER}` : 'no RUSTC_WRAPPER';
  const appended = fixture.appendedLines;
  const code = appended ? `${appended.min === appended.max ? appended.min : `${appended.min}-${appended.max}`} lines appended to each lib.rs` : 'nothing appended';
  console.log(
    `\nnx-cargo run-many benchmark: ${fixture.crates} crates (${fixture.binaries} with a binary; seed ${SEED}, one virtual workspace, path deps only; ` +
      `--code-lines ${fixture.codeLines}: ${code}; ${fixture.tests} unit tests), ` +
      `medians of ${runs} runs, ms; wall time of the whole command; ${cargoVersion()}, nx ${nxVersion()}, ${wrapper}; ` +
      `${cpus().length} cores, load average ${fixture.loadBefore} before, ${loadavg()[0].toFixed(2)} after (1 min)\n`,
  );
  // The first and last header columns (labels, process counts) are text.
  console.log(formatTable(rows, [0, rows[0].length - 1]));
  console.log('\nnx "Run duration" is Nx\'s own figure for running the tasks; wall time minus it is Nx start-up, project graph (from its cache) and hashing.');
  console.log('cargo processes: those of the last sample, counted by a logging `cargo` shim on PATH (a sh script, a few ms each, used for the cargo rows too).');
  const failures = Object.values(columns).filter((column) => column.error || column.unavailable).map((column) => `${column.label}: ${column.error ?? `skipped: ${column.unavailable}`}`);
  if (batch.unavailable) failures.push('without batch support the default run-many is not batched either: the non-batch row is what users get today');
  if (failures.length > 0) console.log(`\nfailures:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
}

/** `1 build`, `100 build, 1 metadata`, `none`. */
function formatProcesses(processes) {
  const entries = Object.entries(processes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([subcommand, count]) => `${count} ${subcommand}`).join(', ');
}

/** Nx's "Run duration: 2.0s" (or 52ms, <1ms, 1m 3s) in ms; undefined when absent. */
function runDuration(text) {
  const match = text.match(/Run duration:\s*(<?)([0-9hms. ]+?)\s*$/m);
  if (!match) return undefined;
  if (match[1]) return 0;
  let ms = 0;
  for (const [, value, unit] of match[2].matchAll(/([0-9.]+)\s*(ms|h|m|s)/g)) ms += Number(value) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[unit];
  return ms;
}

function cargoVersion() {
  return spawnSync('cargo', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').slice(0, 2).join(' ');
}

function nxVersion() {
  return readJson(join(REPO_ROOT, 'node_modules/nx/package.json')).version;
}

// --- small helpers ------------------------------------------------------------------------

function countLines(text, pattern) {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}
