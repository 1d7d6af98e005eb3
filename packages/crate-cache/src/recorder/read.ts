import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProcessLog, type RecordedProcess } from './log.js';

/**
 * Every process log in a recording directory, oldest first. An empty log is
 * a process that died between creating its file and writing the header: it
 * recorded nothing and is left out. Throws `RecordingFormatError` for a file
 * that is not a recorder log.
 */
export async function readRecording(dir: string): Promise<RecordedProcess[]> {
  const processes: RecordedProcess[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.rec')) continue;
    const data = await readFile(join(dir, name));
    if (data.length === 0) continue;
    processes.push(parseProcessLog(name, data));
  }
  return processes.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
