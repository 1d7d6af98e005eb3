import { hash } from 'blake3';
import { normalizePath, normalizeText, type PathRoots } from './path-roots.js';
import type { RustcCompile } from './rustc-args.js';

/** Bumped whenever what goes into a key changes, so old entries can never match. */
export const KEY_SCHEMA = 'nx-cargo-crate-cache/2';

/**
 * The input classes of a key. Named so `why-miss` can say what changed and
 * so a negative-control test can leave exactly one class out.
 */
export type KeyClass =
  | 'schema' | 'toolchain' | 'target' | 'crate' | 'emit' | 'codegen' | 'cfg' | 'unstable' | 'diagnostics'
  | 'extern' | 'link-search' | 'link-lib' | 'sysroot' | 'remap' | 'argv' | 'env' | 'cargo-cfg'
  | 'linker' | 'libc' | 'source' | 'env-dep'
  | 'macro-env' | 'macro-file' | 'macro-probe' | 'macro-dir' | 'recording';

export interface KeyPart {
  class: KeyClass;
  name: string;
  value: string;
}

/** blake3 over a canonical encoding of the parts: sorted, length-prefixed so no two lists collide. */
export function keyOf(parts: KeyPart[], omit: ReadonlySet<string> = new Set()): string {
  const lines = parts
    .filter((part) => !omit.has(part.class))
    .map((part) => [part.class, part.name, part.value].map((field) => `${field.length}:${field}`).join(''))
    .sort();
  return hash(lines.join('\n')).toString('hex');
}

/** Flags that change only how diagnostics look: cosmetic, so not keyed. */
const COSMETIC = new Set(['--diagnostic-width']);
/** Flags that change what is replayed or whether a compile fails: keyed. */
const DIAGNOSTICS = new Set(['--error-format', '--json', '--color', '--cap-lints', '--allow', '--warn', '--deny', '--forbid', '--force-warn']);
/** Flags whose values the I/O layer keys by content (`--extern`, `-l`, target specs). */
const BY_CONTENT = new Set(['--extern', '-l', '--target', '--out-dir']);

/**
 * The parts of a key that the argv alone gives. Order among options of one
 * flag is kept (a later `-C` wins, `-L` folders are searched in turn): each
 * part's name carries its place among its flag's options, so an option
 * added elsewhere leaves the other parts as they were.
 */
export function argvParts(compile: RustcCompile, cwd: string, roots: PathRoots): KeyPart[] {
  const parts: KeyPart[] = [
    { class: 'schema', name: 'schema', value: KEY_SCHEMA },
    { class: 'crate', name: 'name', value: compile.crateName },
    { class: 'crate', name: 'types', value: compile.crateTypes.join(',') },
    { class: 'crate', name: 'input', value: normalizePath(compile.input, cwd, roots) },
    { class: 'emit', name: 'emit', value: compile.emit.join(',') },
  ];
  const seen = new Map<string, number>();
  for (const option of compile.options) {
    const { flag } = option;
    if (COSMETIC.has(flag) || BY_CONTENT.has(flag) || ['--crate-name', '--crate-type', '--emit'].includes(flag)) continue;
    const position = seen.get(flag) ?? 0;
    seen.set(flag, position + 1);
    const value = normalizeText(option.value ?? '', roots);
    if (flag === '--codegen') {
      if (!value.startsWith('incremental=')) parts.push({ class: 'codegen', name: `${position}`, value });
    } else if (flag === '--cfg' || flag === '--check-cfg') parts.push({ class: 'cfg', name: `${flag} ${position}`, value });
    else if (flag === '-Z') parts.push({ class: 'unstable', name: `${position}`, value });
    else if (DIAGNOSTICS.has(flag)) parts.push({ class: 'diagnostics', name: `${flag} ${position}`, value });
    else if (flag === '-L') parts.push({ class: 'link-search', name: `${position}`, value });
    else if (flag === '--sysroot') parts.push({ class: 'sysroot', name: 'sysroot', value });
    else if (flag === '--remap-path-prefix') parts.push({ class: 'remap', name: `${position}`, value });
    else if (flag === '--edition') parts.push({ class: 'crate', name: 'edition', value });
    else parts.push({ class: 'argv', name: `${flag} ${position}`, value });
  }
  return parts;
}

/** Variables rustc or its flags depend on without an argv trace. */
export function envParts(env: NodeJS.ProcessEnv, roots: PathRoots): KeyPart[] {
  const parts: KeyPart[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name] ?? '';
    if (name === 'RUSTFLAGS' || name === 'CARGO_ENCODED_RUSTFLAGS' || name === 'RUSTC_BOOTSTRAP') {
      parts.push({ class: 'env', name, value: normalizeText(value, roots) });
    } else if (name.startsWith('CARGO_CFG_')) {
      parts.push({ class: 'cargo-cfg', name, value });
    }
  }
  return parts;
}

/** How two keys' parts differ, for `why-miss`: one line per part added, removed or changed. */
export interface PartChange {
  class: KeyClass;
  name: string;
  before?: string;
  after?: string;
}

export function diffParts(before: KeyPart[], after: KeyPart[]): PartChange[] {
  const id = (part: KeyPart) => `${part.class}\u0000${part.name}`;
  const old = new Map(before.map((part) => [id(part), part]));
  const changes: PartChange[] = [];
  for (const part of after) {
    const previous = old.get(id(part));
    old.delete(id(part));
    if (!previous) changes.push({ class: part.class, name: part.name, after: part.value });
    else if (previous.value !== part.value) changes.push({ class: part.class, name: part.name, before: previous.value, after: part.value });
  }
  for (const part of old.values()) changes.push({ class: part.class, name: part.name, before: part.value });
  return changes;
}
