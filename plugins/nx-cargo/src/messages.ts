/*
 * What nx-cargo says to a person starts with its name, so that a line in
 * Nx's output is told apart from cargo's and Nx's own. Every such message
 * goes through here rather than spelling the prefix out.
 */

const PREFIX = 'nx-cargo: ';

/** `text` as nx-cargo says it. */
export function message(text: string): string {
  return `${PREFIX}${text}`;
}

/** A whole line of a task's captured output (a batch reports output as text). */
export function outputLine(text: string): string {
  return `${PREFIX}${text}\n`;
}

/** Printed straight to the terminal: errors and warnings to stderr, the rest to stdout. */
export const say = {
  error: (text: string) => console.error(message(text)),
  warn: (text: string) => console.warn(message(text)),
  info: (text: string) => console.log(message(text)),
};

/** "1 unit", "3 units": a count and its noun, as messages write it. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export const CARGO_MISSING =
  'cargo was not found on PATH. Install Rust with rustup (https://rustup.rs) or your system package manager, ' +
  'make sure `cargo --version` works in this shell, then run the task again.';
