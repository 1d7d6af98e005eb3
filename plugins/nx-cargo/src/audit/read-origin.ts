import { posix } from 'node:path';

/** A Rust source file a compilation read, by absolute path, with its text. */
export interface SourceText {
  path: string;
  text: string;
}

const INCLUDE = /\b(include_str|include_bytes|include)!\s*\(\s*"((?:[^"\\]|\\.)*)"\s*,?\s*\)/g;

/**
 * Which macro made rustc read `file` (absolute): an `include_str!`,
 * `include_bytes!` or `include!` with a literal path in one of the unit's
 * sources, resolved against that source's folder as rustc does. Otherwise a
 * `.rs` file is a module (`mod` or `#[path]`), and any other file was read by
 * a macro whose path the audit cannot see (built with `concat!`, or from a
 * proc macro).
 */
export function fileReadBy(file: string, sources: readonly SourceText[]): string {
  for (const source of sources) {
    for (const match of source.text.matchAll(INCLUDE)) {
      const literal = unescapeRust(match[2]);
      const resolved = posix.isAbsolute(literal) ? posix.normalize(literal) : posix.join(posix.dirname(source.path), literal);
      if (resolved === file) return `${match[1]}!`;
    }
  }
  return file.endsWith('.rs') ? 'module source' : 'read at compile time';
}

/**
 * Which macro read variable `name`: `env!` or `option_env!` with that
 * literal in the unit's sources; else the compiler recorded the read itself
 * (a macro given a computed name, a proc macro, or a tool such as
 * clippy-driver tracking its own configuration).
 */
export function envReadBy(name: string, sources: readonly SourceText[]): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\b(option_env|env)!\\s*\\(\\s*"${escaped}"`);
  for (const source of sources) {
    const match = pattern.exec(source.text);
    if (match) return `${match[1]}!`;
  }
  return 'recorded by the compiler';
}

function unescapeRust(literal: string): string {
  return literal.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char === 't' ? '\t' : char));
}
