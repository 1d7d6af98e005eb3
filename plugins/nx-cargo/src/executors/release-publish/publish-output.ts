/**
 * What cargo's output says about one publish. Whether a version is on the
 * registry already is taken from cargo itself: before it uploads, cargo looks
 * the version up in the very index it publishes to (with the same
 * configuration, source replacement and credentials), and stops with
 * "crate <name>@<version> already exists on <registry> index" (a warning
 * under --dry-run). Reading the index ourselves would mean redoing cargo's
 * configuration lookup and auth for every kind of registry.
 */
export function isAlreadyPublished(output: string, name: string, version: string): boolean {
  const id = escape(`${name}@${version}`);
  // The index check, and a registry refusing the upload (crates.io's words, for an index that lags behind).
  return new RegExp(`crate \`?${id}\`? already exists`).test(output) || new RegExp(`crate version \`${escape(version)}\` is already uploaded`).test(output);
}

/** The registry cargo talked to, as cargo names it ("crates.io", or the name from its configuration). */
export function registryOf(output: string): string | undefined {
  const match = /Updating (?:`([^`]+)`|(\S+)) index/.exec(output) ?? /registry `([^`]+)`/.exec(output);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** cargo's error, on one line: the `error:` line and its `Caused by:` chain. */
export function cargoError(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith('error:'));
  if (start === -1) return lines.filter((line) => line.trim() !== '').slice(-3).join(' ').trim() || 'cargo printed no error';
  const parts: string[] = [];
  for (const line of lines.slice(start)) {
    const text = line.replace(/^error: /, '').trim();
    if (text === '' || text === 'Caused by:') continue;
    // Cargo's advice after the chain ("note: ...", "help: ...") is not part of the error.
    if (/^(note|help|warning):/.test(text) && parts.length > 0) break;
    parts.push(text.replace(/^\d+: /, ''));
  }
  return parts.join(': ');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
