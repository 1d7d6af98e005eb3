/** What one rustc dep-info (`.d`) file says a compilation read. */
export interface DepInfo {
  /** Source paths as rustc wrote them: relative to rustc's working directory, or absolute. */
  files: string[];
  /** `# env-dep:` lines: variables read by `env!`/`option_env!`; `value` is absent when it was unset. */
  env: Array<{ name: string; value?: string }>;
}

/**
 * Parses a dep-info file as rustc writes it (`--emit=dep-info`): make rules
 * `target: dep dep ...` with spaces in paths escaped as `\ `, one empty rule
 * per dependency, and `# env-dep:NAME=value` / `# env-dep:NAME` comment lines
 * whose values escape `\n`, `\r` and `\` as `\n`, `\r` and `\\`. Other
 * comments (`# checksum:` under -Z options) are skipped.
 */
export function parseDepInfo(text: string): DepInfo {
  const files = new Set<string>();
  const env = new Map<string, string | undefined>();
  // A backslash at the end of a line continues the rule on the next one.
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('#')) {
      const match = /^# env-dep:(.*)$/.exec(line);
      if (!match) continue;
      const body = match[1];
      const equals = body.indexOf('=');
      if (equals < 0) env.set(body, undefined);
      else env.set(body.slice(0, equals), unescapeEnvValue(body.slice(equals + 1)));
      continue;
    }
    const separator = ruleSeparator(line);
    if (separator < 0) continue;
    for (const path of splitPaths(line.slice(separator + 1))) files.add(path);
  }
  return { files: [...files], env: [...env].map(([name, value]) => (value === undefined ? { name } : { name, value })) };
}

/** Index of the colon that ends the rule's target: the first unescaped `:` followed by white space or the line end. */
function ruleSeparator(line: string): number {
  for (let i = 0; i < line.length; i += 1) {
    if (line[i] === '\\') {
      i += 1;
      continue;
    }
    if (line[i] === ':' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) return i;
  }
  return -1;
}

/** Splits a rule's prerequisites on unescaped white space, undoing `\ ` and `\\`. */
function splitPaths(list: string): string[] {
  const paths: string[] = [];
  let current = '';
  for (let i = 0; i < list.length; i += 1) {
    const char = list[i];
    if (char === '\\' && (list[i + 1] === ' ' || list[i + 1] === '\\' || list[i + 1] === '#')) {
      current += list[i + 1];
      i += 1;
    } else if (char === ' ' || char === '\t') {
      if (current) paths.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) paths.push(current);
  return paths;
}

function unescapeEnvValue(value: string): string {
  return value.replace(/\\([nr\\])/g, (_, char: string) => (char === 'n' ? '\n' : char === 'r' ? '\r' : '\\'));
}
