import { isDeepStrictEqual } from 'node:util';
import { parse, TomlError } from 'smol-toml';
import { ManifestError } from './errors.js';

export type TomlTable = Record<string, unknown>;

/** Parses TOML text, turning syntax errors into a ManifestError at the right line. */
export function parseToml(file: string, text: string): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new ManifestError({ file, line: error.line, column: error.column }, `invalid TOML: ${reason}`);
    }
    throw error;
  }
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Reads a key that Cargo accepts in kebab-case and, for older manifests, snake_case. */
export function kebabOrSnake(table: TomlTable, key: string): unknown {
  return table[key] ?? table[key.replace(/-/g, '_')];
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Whether two parsed documents hold the same values (smol-toml's tables have no prototype, and its dates are subclasses). */
export function sameToml(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(plain(a), plain(b));
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return `${value.constructor.name}:${value.toISOString()}`;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}
