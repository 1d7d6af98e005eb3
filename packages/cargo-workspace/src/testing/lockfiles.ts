/** Hand-written lockfiles for unit tests. */
export const REGISTRY = 'registry+https://github.com/rust-lang/crates.io-index';

export interface Entry {
  name: string;
  version: string;
  source?: string;
  checksum?: string;
  deps?: string[];
}

/** A version 4 Cargo.lock with these entries. */
export function lockText(entries: Entry[]): string {
  const blocks = entries.map((entry) => {
    const lines = ['[[package]]', `name = "${entry.name}"`, `version = "${entry.version}"`];
    if (entry.source) lines.push(`source = "${entry.source}"`);
    if (entry.checksum) lines.push(`checksum = "${entry.checksum}"`);
    if (entry.deps?.length) lines.push('dependencies = [', ...entry.deps.map((dep) => ` "${dep}",`), ']');
    return lines.join('\n');
  });
  return `version = 4\n\n${blocks.join('\n\n')}\n`;
}

export const base: Entry[] = [
  { name: 'app', version: '0.1.0', deps: ['serde', 'shared'] },
  { name: 'shared', version: '0.1.0', deps: ['itoa'] },
  { name: 'tool', version: '0.1.0', deps: ['regex', 'shared'] },
  { name: 'itoa', version: '1.0.1', source: REGISTRY, checksum: 'aa' },
  { name: 'serde', version: '1.0.152', source: REGISTRY, checksum: 'bb' },
  { name: 'regex', version: '1.7.1', source: REGISTRY, checksum: 'cc', deps: ['memchr'] },
  { name: 'memchr', version: '2.5.0', source: REGISTRY, checksum: 'dd' },
];
