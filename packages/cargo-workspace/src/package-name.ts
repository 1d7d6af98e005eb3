/*
 * The names `cargo new` accepts for a package (cargo 1.95,
 * src/cargo/util/restricted_names.rs and ops/cargo_new.rs).
 */

const RUST_KEYWORDS = new Set([
  'Self', 'abstract', 'as', 'async', 'await', 'become', 'box', 'break', 'const', 'continue', 'crate', 'do', 'dyn', 'else',
  'enum', 'extern', 'false', 'final', 'fn', 'for', 'if', 'impl', 'in', 'let', 'loop', 'macro', 'match', 'mod', 'move',
  'mut', 'override', 'priv', 'pub', 'ref', 'return', 'self', 'static', 'struct', 'super', 'trait', 'true', 'try', 'type',
  'typeof', 'unsafe', 'unsized', 'use', 'virtual', 'where', 'while', 'yield',
]);

/** cargo's build directory names, which a binary may not take: they clash with folders in `target/<profile>/`. */
export const RESERVED_BIN_NAMES: ReadonlySet<string> = new Set(['deps', 'examples', 'build', 'incremental']);

/** Why cargo refuses `name` for a new library or binary package, or undefined when it takes it. */
export function packageNameProblem(name: string, kind: 'library' | 'binary'): string | undefined {
  const allowed = 'a Cargo package name uses ASCII letters, digits, `-` and `_`, and starts with a letter or `_`';
  const bad = [...name].find((c) => !/[A-Za-z0-9_-]/.test(c));
  if (bad !== undefined) return `the character \`${bad}\` is not allowed; ${allowed}`;
  if (!/^[A-Za-z_]/.test(name)) return `it cannot start with \`${name[0]}\`; ${allowed}`;
  if (RUST_KEYWORDS.has(name)) return 'it is a Rust keyword';
  if (name === 'test') return "it conflicts with Rust's built-in test library";
  if (kind === 'binary' && RESERVED_BIN_NAMES.has(name)) return "it conflicts with cargo's build directory names";
  if (name.length > 64) return "it is longer than 64 characters (crates.io's limit)";
  return undefined;
}
