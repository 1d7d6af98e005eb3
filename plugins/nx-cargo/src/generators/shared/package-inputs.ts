import { isTable, parseToml, type TomlTable } from '@nx-cargo/cargo-workspace';
import { isDeepStrictEqual } from 'node:util';
import { insertIntoArray } from './toml-array.js';
import { scanTomlLayout } from './toml-layout.js';
import { plain } from './workspace-manifest.js';

const INPUTS = ['package', 'metadata', 'nx', 'inputs'];

/** A manifest whose `[package.metadata.nx] inputs` cannot be extended in place: names the file and the reason. */
export class PackageInputsError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = new.target.name;
  }
}

/**
 * Adds entries (TOML values as text: `"{workspaceRoot}/x"`, `{ env = "X" }`)
 * to a crate manifest's `[package.metadata.nx] inputs`, editing the text:
 * comments, order and formatting stay as they were. Extends an existing
 * `inputs` array (under a `[package.metadata.nx]` header or as a dotted
 * key), adds `inputs` under an existing header, or appends the table.
 * Entries already there (by value) are not added twice. The result is parsed
 * again and must differ from the original only by the new entries.
 */
export function addPackageInputs(file: string, text: string, entries: readonly string[]): string {
  const before = parse(file, text);
  const existing = inputsOf(before);
  const fresh: string[] = [];
  const values: unknown[] = [...existing];
  for (const entry of entries) {
    const value = parse(file, `v = ${entry}`).v;
    if (values.some((known) => isDeepStrictEqual(plain(known), plain(value)))) continue;
    values.push(value);
    fresh.push(entry);
  }
  if (fresh.length === 0) return text;
  const updated = insert(file, text, fresh);
  const after = parse(file, updated);
  const expected = inputsOf(after).slice(existing.length);
  if (!isDeepStrictEqual(withInputsOf(after, before), plain(before)) || !isDeepStrictEqual(plain(expected), plain(values.slice(existing.length)))) {
    throw new PackageInputsError(file, `could not add ${fresh.join(', ')} to [package.metadata.nx] inputs without changing anything else: add them by hand`);
  }
  return updated;
}

function parse(file: string, text: string): TomlTable {
  try {
    return parseToml(file, text);
  } catch (error) {
    throw new PackageInputsError(file, (error as Error).message);
  }
}

function nxTable(manifest: TomlTable): TomlTable | undefined {
  const pkg = manifest.package;
  const metadata = isTable(pkg) ? pkg.metadata : undefined;
  const nx = isTable(metadata) ? metadata.nx : undefined;
  return isTable(nx) ? nx : undefined;
}

function inputsOf(manifest: TomlTable): unknown[] {
  const inputs = nxTable(manifest)?.inputs;
  return Array.isArray(inputs) ? inputs : [];
}

/** `after` with `[package.metadata.nx] inputs` (and the tables made for it) as they were in `before`. */
function withInputsOf(after: TomlTable, before: TomlTable): unknown {
  const copy = plain(after) as { package?: { metadata?: Record<string, unknown> & { nx?: Record<string, unknown> } } };
  const metadata = copy.package?.metadata;
  if (!metadata?.nx) return copy;
  const old = nxTable(before);
  if (old?.inputs !== undefined) metadata.nx.inputs = plain(old.inputs);
  else delete metadata.nx.inputs;
  if (!old) delete metadata.nx;
  const pkg = before.package;
  if (copy.package && Object.keys(metadata).length === 0 && !(isTable(pkg) && isTable(pkg.metadata))) delete copy.package.metadata;
  return copy;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((part, i) => part === b[i]);
const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((part, i) => path[i] === part);

function insert(file: string, text: string, entries: string[]): string {
  const layout = scanTomlLayout(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const inputs = layout.entries.find((entry) => same(entry.path, INPUTS));
  if (inputs) {
    if (!inputs.array) throw new PackageInputsError(file, '[package.metadata.nx] inputs is not an array: fix it first');
    let updated = text;
    for (const entry of entries) {
      const array = scanTomlLayout(updated).entries.find((candidate) => same(candidate.path, INPUTS))?.array;
      if (!array) throw new PackageInputsError(file, 'lost track of [package.metadata.nx] inputs while editing');
      updated = insertIntoArray(updated, array, entry, eol);
    }
    return updated;
  }
  const block = entries.length === 1 ? `inputs = [${entries[0]}]${eol}` : `inputs = [${eol}${entries.map((entry) => `    ${entry},${eol}`).join('')}]${eol}`;
  const header = layout.headers.find((candidate) => !candidate.isArray && same(candidate.path, INPUTS.slice(0, 3)));
  if (header) {
    if (header.lineEnd >= text.length) return `${text}${eol}${block}`;
    return text.slice(0, header.lineEnd + 1) + block + text.slice(header.lineEnd + 1);
  }
  // `nx` defined some other way (an inline table, dotted keys under [package.metadata]): a header would redefine it.
  if (layout.entries.some((entry) => startsWith(entry.path, INPUTS.slice(0, 3)))) {
    throw new PackageInputsError(file, 'package.metadata.nx is written as an inline table or dotted keys: add the inputs to it by hand');
  }
  const separator = text === '' ? '' : text.endsWith('\n') ? eol : eol + eol;
  return `${text}${separator}[package.metadata.nx]${eol}${block}`;
}
