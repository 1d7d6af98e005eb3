import type { Classified, Read } from './recorder/index.js';

/**
 * What the proc macros of one compile read outside dep-info, by name and
 * path, as the key takes them (the caller adds values, content hashes,
 * listings): variables, files read, paths probed (exist or not), folders
 * listed.
 */
export interface MacroReads {
  envs: string[];
  files: string[];
  probes: string[];
  dirs: string[];
}

export type MacroReadsOutcome = { reads: MacroReads } | { uncacheable: string };

/**
 * The reads of a compile that key it, or why no key can stand for them: a
 * macro that runs a program (its output is not an input we can hash), writes
 * a file (a side effect a restore would not repeat) or gets an error other
 * than "not found" (no content to key). Objects rustc loaded that are not
 * proc macros (an NSS module) are libc's own doing.
 */
export function macroReadsOf(classified: Classified): MacroReadsOutcome {
  const reads: MacroReads = { envs: [], files: [], probes: [], dirs: [] };
  for (const { reader, reads: recorded, writes } of classified.readers) {
    if (reader.kind !== 'proc-macro') continue;
    const who = `proc macro ${reader.crate}`;
    if (writes.length > 0) return { uncacheable: `${who} writes ${writes[0]}` };
    for (const read of recorded) {
      const problem = uncacheable(read);
      if (problem) return { uncacheable: `${who} ${problem}` };
      if (read.kind === 'env') reads.envs.push(read.name);
      else if (read.kind === 'file') reads.files.push(read.path);
      else if (read.kind === 'probe') reads.probes.push(read.path);
      else if (read.kind === 'dir') reads.dirs.push(read.path);
    }
  }
  const unique = (list: string[]) => [...new Set(list)].sort();
  return { reads: { envs: unique(reads.envs), files: unique(reads.files), probes: unique(reads.probes), dirs: unique(reads.dirs) } };
}

function uncacheable(read: Read): string | undefined {
  if (read.kind === 'program') return `runs \`${[read.program, ...read.argv.slice(1)].join(' ')}\`, whose output cannot be keyed`;
  if (read.kind !== 'env' && read.result !== 'found' && read.result !== 'absent') return `reads ${read.path}, which fails (${read.result})`;
  return undefined;
}
