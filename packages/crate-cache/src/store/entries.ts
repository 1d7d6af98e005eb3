import { entryProblem } from './validate.js';
import type { EntryMeta } from './types.js';

/**
 * The entry in a record's text, or why it cannot be used. A record that fails
 * (torn by a crash, edited, written for another key) reads as no entry.
 */
export function parseEntryRecord(text: string, key: string): EntryMeta | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'entry record is not valid JSON' };
  }
  const problem = entryProblem(value);
  if (problem) return { problem: `entry record: ${problem}` };
  const meta = value as EntryMeta;
  if (meta.key !== key) return { problem: `entry record is for key ${meta.key}` };
  return meta;
}

export function isProblem<T extends object>(value: T | { problem: string }): value is { problem: string } {
  return 'problem' in value;
}
