/**
 * Shape checks for records read back from disk. Each returns the first problem
 * found, or undefined: a record that fails is treated as absent, never trusted.
 */

const BLOB_ID = /^[0-9a-f]{64}$/;

type Problem = string | undefined;

export function entryProblem(value: unknown): Problem {
  if (!isObject(value)) return 'not an object';
  for (const field of ['key', 'baseKey', 'crateName', 'stdout', 'stderr'] as const) {
    if (typeof value[field] !== 'string') return `${field} is not a string`;
  }
  if (typeof value.createdAt !== 'number') return 'createdAt is not a number';
  if (!Array.isArray(value.files)) return 'files is not an array';
  for (const file of value.files) {
    const problem = storedFileProblem(file);
    if (problem) return `files: ${problem}`;
  }
  return partsProblem(value.parts);
}

function partsProblem(value: unknown): Problem {
  if (!Array.isArray(value)) return 'parts is not an array';
  const bad = value.find((part: unknown) => !isObject(part) || !stringFields(part, ['class', 'name', 'value']));
  return bad === undefined ? undefined : `bad key part ${JSON.stringify(bad)}`;
}

export function lastPartsProblem(value: unknown): Problem {
  if (!isObject(value) || typeof value.key !== 'string') return 'key is not a string';
  return partsProblem(value.parts);
}

export function candidateProblem(value: unknown): Problem {
  if (!isObject(value) || typeof value.key !== 'string') return 'key is not a string';
  if (!Array.isArray(value.sources) || !value.sources.every((s: unknown) => pairOk(s, 'path', 'hash'))) {
    return 'sources must be { path, hash } pairs';
  }
  if (!Array.isArray(value.envs) || !value.envs.every((e: unknown) => pairOk(e, 'name', 'value'))) {
    return 'envs must be { name, value } pairs';
  }
  return value.macro === undefined ? undefined : macroProblem(value.macro);
}

function macroProblem(value: unknown): Problem {
  if (!isObject(value)) return 'macro reads must be an object';
  const lists: Array<[string, (item: unknown) => boolean]> = [
    ['envs', (item) => pairOk(item, 'name', 'value')],
    ['files', (item) => pairOk(item, 'path', 'hash')],
    ['dirs', (item) => pairOk(item, 'path', 'listing')],
    ['probes', (item) => isObject(item) && typeof item.path === 'string' && typeof item.exists === 'boolean'],
  ];
  for (const [name, ok] of lists) {
    const list = value[name];
    if (!Array.isArray(list) || !list.every(ok)) return `macro ${name} are malformed`;
  }
  return undefined;
}

function storedFileProblem(value: unknown): Problem {
  if (!isObject(value)) return 'not an object';
  const name = value.name;
  // The caller joins name onto an out-dir: it must stay inside it.
  if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.split(/[\\/]/).includes('..')) {
    return `bad file name ${JSON.stringify(name)}`;
  }
  if (typeof value.blob !== 'string' || !BLOB_ID.test(value.blob)) return `${name}: bad blob id`;
  if (!Number.isSafeInteger(value.size) || (value.size as number) < 0) return `${name}: bad size`;
  if (typeof value.executable !== 'boolean' || typeof value.rewrite !== 'boolean') return `${name}: bad flags`;
  return undefined;
}

function pairOk(value: unknown, keyField: string, valueField: string): boolean {
  return (
    isObject(value) &&
    typeof value[keyField] === 'string' &&
    (value[valueField] === null || typeof value[valueField] === 'string')
  );
}

function stringFields(value: Record<string, unknown>, fields: string[]): boolean {
  return fields.every((field) => typeof value[field] === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
