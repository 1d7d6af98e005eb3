const RUST_KEYWORDS = new Set([
  'Self', 'abstract', 'as', 'async', 'await', 'become', 'box', 'break', 'const', 'continue', 'crate', 'do', 'dyn', 'else',
  'enum', 'extern', 'false', 'final', 'fn', 'for', 'if', 'impl', 'in', 'let', 'loop', 'macro', 'match', 'mod', 'move',
  'mut', 'override', 'priv', 'pub', 'ref', 'return', 'self', 'static', 'struct', 'super', 'trait', 'true', 'try', 'type',
  'typeof', 'unsafe', 'unsized', 'use', 'virtual', 'where', 'while', 'yield',
]);

/** Names cargo refuses for a binary: they clash with folders in `target/<profile>/`. */
const CARGO_BUILD_DIRS = new Set(['deps', 'examples', 'build', 'incremental']);

/**
 * Checks a Cargo package name the way `cargo new` does and throws an error
 * that says what is wrong and what is allowed.
 */
export function validatePackageName(name: unknown, kind: 'library' | 'binary'): string {
  if (typeof name !== 'string' || name === '') throw new Error('a crate name is required, for example `nx g nx-cargo:library my-crate`');
  const allowed = 'a Cargo package name uses ASCII letters, digits, `-` and `_`, and starts with a letter or `_`';
  const bad = [...name].find((c) => !/[A-Za-z0-9_-]/.test(c));
  if (bad !== undefined) throw new Error(`invalid crate name \`${name}\`: the character \`${bad}\` is not allowed; ${allowed}`);
  if (!/^[A-Za-z_]/.test(name)) throw new Error(`invalid crate name \`${name}\`: it cannot start with \`${name[0]}\`; ${allowed}`);
  if (RUST_KEYWORDS.has(name)) throw new Error(`invalid crate name \`${name}\`: it is a Rust keyword`);
  if (name === 'test') throw new Error('invalid crate name `test`: it conflicts with Rust\'s built-in test library');
  if (kind === 'binary' && CARGO_BUILD_DIRS.has(name)) throw new Error(`invalid binary crate name \`${name}\`: it conflicts with cargo's build directory names`);
  if (name.length > 64) throw new Error(`invalid crate name \`${name}\`: it is longer than 64 characters (crates.io's limit)`);
  return name;
}
