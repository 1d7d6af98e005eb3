/** What rustc says a compile read: from the make-style `.d` file it writes with `--emit=dep-info`. */
export interface DepInfo {
  /** Files as written (relative to rustc's cwd, or absolute), in order, without duplicates. */
  files: string[];
  /** `env!`/`option_env!` reads: value undefined when the variable was unset. */
  envs: Array<{ name: string; value: string | undefined }>;
}

/**
 * Parses rustc's dep-info. The first rule lists every input of the output;
 * later `file:` lines repeat them as phony targets. Spaces in paths are
 * escaped as `\ `; `# env-dep:NAME=value` values escape `\n`, `\r` and `\\`.
 */
export function parseDepInfo(text: string): DepInfo {
  const files: string[] = [];
  const seen = new Set<string>();
  const envs: DepInfo['envs'] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# env-dep:')) {
      envs.push(parseEnvDep(line.slice('# env-dep:'.length)));
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const colon = findRuleColon(line);
    if (colon === -1) continue;
    for (const file of splitEscaped(line.slice(colon + 1))) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  return { files, envs };
}

function parseEnvDep(rest: string): DepInfo['envs'][number] {
  const eq = rest.indexOf('=');
  if (eq === -1) return { name: rest, value: undefined };
  return { name: rest.slice(0, eq), value: unescapeEnv(rest.slice(eq + 1)) };
}

function unescapeEnv(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** The `:` ending the rule's target: the first one not escaped and not a Windows drive letter's. */
function findRuleColon(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === ':' && (line[i + 1] === ' ' || line[i + 1] === undefined)) return i;
  }
  return -1;
}

function splitEscaped(list: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '\\' && list[i + 1] === ' ') {
      current += ' ';
      i++;
    } else if (c === ' ') {
      if (current) out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) out.push(current);
  return out;
}
