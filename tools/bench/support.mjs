// Helpers shared by the benchmarks (graph/run.mjs, run-many/run.mjs): the
// error they report in plain words, option parsing, prerequisites (cargo, the
// build, the fixture generator), rounds of samples, timing, medians and table
// formatting.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../support/nx-workspace.mjs';

export { REPO_ROOT };
export const PLUGIN_DIR = join(REPO_ROOT, 'plugins/nx-cargo');
export const MODEL_DIR = join(REPO_ROOT, 'packages/cargo-workspace');
const GENERATOR = join(REPO_ROOT, 'tools/generate/cargo-workspace.mjs');

/** A failure to report in plain words (no stack trace). */
export class BenchError extends Error {}

/**
 * Runs a benchmark's `main`: a BenchError or a bad option ends it with
 * `bench: <message>` and exit code 1; anything else is a bug and throws.
 */
export async function runBench(main) {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof BenchError) && !String(error.code).startsWith('ERR_PARSE_ARGS')) throw error;
    console.error(`bench: ${error.message}`);
    process.exit(1);
  }
}

// --- options and prerequisites ----------------------------------------------

/** `what` names the value in the error: "a positive integer" unless given. */
export function positiveInt(text, option, what = 'a positive integer') {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new BenchError(`${option} takes ${what}, got "${text}"`);
  return value;
}

export function checkCargo() {
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.error || cargo.status !== 0) throw new BenchError('cargo is not on PATH (or `cargo --version` failed); install Rust, e.g. from https://rustup.rs');
}

/** The plugin and the model are built, and so is every one of `moreEntries` (absolute paths). */
export function checkBuilt(moreEntries = []) {
  for (const entry of [join(PLUGIN_DIR, 'dist/index.js'), join(MODEL_DIR, 'dist/index.js'), ...moreEntries]) {
    if (!existsSync(entry)) throw new BenchError(`${relative(REPO_ROOT, entry)} is missing: run \`npm run build\` first`);
  }
}

/** The fixture generator's module (tools/generate/cargo-workspace.mjs). */
export async function loadGenerator() {
  if (!existsSync(GENERATOR)) throw new BenchError(`fixture generator ${relative(REPO_ROOT, GENERATOR)} is missing`);
  return import(pathToFileURL(GENERATOR).href);
}

// --- measuring ------------------------------------------------------------------

/**
 * Takes `runs` rounds of samples into each column's `samples`, one
 * `measure()` of every column a round, so that machine noise spreads over all
 * of them. A column whose measure throws a BenchError keeps its message as
 * `error` and is not measured again; one marked `unavailable` never is. Logs
 * a line a round: `heading(run)`, then each column's `column[name]` with
 * `format(sample)` (the rounded ms unless told), or FAILED.
 */
export function measureRounds(columns, runs, { name, heading, format = (sample) => String(Math.round(sample.ms)) }) {
  for (const column of Object.values(columns)) column.samples = [];
  for (let run = 1; run <= runs; run++) {
    const line = [];
    for (const column of Object.values(columns)) {
      if (column.unavailable || column.error) continue;
      try {
        const sample = column.measure();
        column.samples.push(sample);
        line.push(`${column[name]} ${format(sample)}`);
      } catch (error) {
        if (!(error instanceof BenchError)) throw error;
        column.error = error.message;
        line.push(`${column[name]} FAILED`);
      }
    }
    log(`${heading(run)}: ${line.join(', ')}`);
  }
}

// --- report ---------------------------------------------------------------------

/**
 * Labels left-aligned, numbers right-aligned; cells past the header's are
 * notes, left as they are. `textColumns` are the header's column indexes that
 * hold text (left-aligned): the labels' column unless told.
 */
export function formatTable(rows, textColumns = [0]) {
  const columns = rows[0].length;
  const widths = rows[0].map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length)));
  const align = (cell, index) => (textColumns.includes(index) ? cell.padEnd(widths[index]) : index < columns ? cell.padStart(widths[index]) : cell);
  return rows.map((row) => row.map(align).join('  ').trimEnd()).join('\n');
}

export function formatMs(value) {
  return Number.isFinite(value) ? String(Math.round(value)) : '-';
}

export function formatRatio(value) {
  return Number.isFinite(value) && value > 0 ? value.toFixed(2) : '-';
}

// --- small helpers ------------------------------------------------------------------

export function medianOf(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function timed(action) {
  const start = performance.now();
  const result = action();
  return { ms: performance.now() - start, result };
}

/** Runs `command` in `cwd`; a non-zero exit is a BenchError with the end of its stderr. */
export function runOk(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new BenchError(`${command} ${args.join(' ')} failed in ${cwd}:\n${lastLines(result.stderr ?? String(result.error))}`);
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function lastLines(text, count = 20) {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** Progress, on stderr (the report goes to stdout). */
export function log(message) {
  console.error(message);
}
