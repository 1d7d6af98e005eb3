import { isTable, parseToml, sameToml, scanTomlLayout, type TomlTable } from '@nx-cargo/cargo-workspace';
import { NxCargoError } from '../../errors.js';
import { insertIntoArray } from './toml-array.js';

const INPUTS = ['package', 'metadata', 'nx', 'inputs'];

/** A manifest whose `[package.metadata.nx] inputs` cannot be extended in place: names the file and the reason. */
export class PackageInputsError extends NxCargoError {
  constructor(file: string, reason: string) {
    super(reason, file);
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
    if (values.some((known) => sameToml(known, value))) continue;
    values.push(value);
    fresh.push(entry);
  }
  if (fresh.length === 0) return text;
  const updated = insert(file, text, fresh);
  const after = parse(file, updated);
  const expected = inputsOf(after).slice(existing.length);
  if (!sameToml(withInputsOf(after, before), before) || !sameToml(expected, values.slice(existing.length))) {
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
function withInputsOf(after: TomlTable, before: TomlTable): TomlTable {
  const pkg = after.package;
  const metadata = isTable(pkg) ? pkg.metadata : undefined;
  const nx = isTable(metadata) ? metadata.nx : undefined;
  if (!isTable(pkg) || !isTable(metadata) || !isTable(nx)) return after;
  const old = nxTable(before);
  const nxAsBefore: TomlTable = { ...nx };
  if (old?.inputs !== undefined) nxAsBefore.inputs = old.inputs;
  else delete nxAsBefore.inputs;
  const metadataAsBefore: TomlTable = { ...metadata, nx: nxAsBefore };
  if (!old) delete metadataAsBefore.nx;
  const pkgAsBefore: TomlTable = { ...pkg, metadata: metadataAsBefore };
  const beforePkg = before.package;
  if (Object.keys(metadataAsBefore).length === 0 && !(isTable(beforePkg) && isTable(beforePkg.metadata))) delete pkgAsBefore.metadata;
  return { ...after, package: pkgAsBefore };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((part, i) => part === b[i]);
const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((part, i) => path[i] === part);

function insert(file: string, text: string, entries: string[]): string {
  const layout = scanTomlLayout(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const inputs = layout.entries.find((entry) => !entry.inline && same(entry.path, INPUTS));
  if (inputs) {
    if (!inputs.array) throw new PackageInputsError(file, '[package.metadata.nx] inputs is not an array: fix it first');
    let updated = text;
    for (const entry of entries) {
      const array = scanTomlLayout(updated).entries.find((candidate) => !candidate.inline && same(candidate.path, INPUTS))?.array;
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
