import { say } from '../messages.js';
/**
 * Tells the user about a problem in their Cargo files without failing the
 * graph. Plain stderr rather than @nx/devkit's logger: the graph code must not
 * load devkit at run time, which costs ~200 ms in every nx process.
 */
export function warn(message: string): void {
  say.warn(message);
}
