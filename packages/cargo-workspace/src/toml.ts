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
