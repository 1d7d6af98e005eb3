import { connect } from 'node:net';
import type { NotStored } from '../rustc-runner.js';
import { FrameReader, flushRequest } from './frames.js';

/** Socket errors that mean no server listens: then nothing is pending. */
const NO_SERVER = new Set(['ENOENT', 'ECONNREFUSED']);

/**
 * Waits until the cache server behind `socket` has stored what it had
 * pending for `session` ('' for all sessions), and returns the failures the
 * event log could not take; undefined when no server listens.
 */
export async function flushServer(socket: string, session: string): Promise<{ notStored: NotStored[] } | undefined> {
  const connection = connect(socket);
  try {
    await new Promise<void>((resolve, reject) => connection.once('connect', resolve).once('error', reject));
  } catch (error) {
    connection.destroy();
    if (NO_SERVER.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  const reader = new FrameReader(connection);
  connection.write(flushRequest(session));
  try {
    return JSON.parse((await reader.bytes()).toString('utf8')) as { notStored: NotStored[] };
  } finally {
    connection.destroy();
  }
}
