// Lock-only changes as `cargo update` makes them, and what cargo itself says
// they reach: shared by the affected and task-hash e2e suites, which compute
// their expectations here, never from the plugin's own model.
import { execFileSync } from 'node:child_process';
import { parse } from 'smol-toml';

/**
 * Lockfile text with another checksum for one entry: to everything but
 * cargo's download check (which these tests never reach), a lock-only bump of
 * that one package.
 */
export function withChecksum(lockText, checksum, replacement = 'f'.repeat(64)) {
  if (!lockText.includes(checksum)) throw new Error(`no lock entry has checksum ${checksum}`);
  return lockText.replace(checksum, replacement);
}

/** `cargo metadata` of the Cargo workspace in `dir`, offline and locked. */
export function cargoMetadata(dir) {
  return JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--offline', '--locked'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

/** `name version source` of a package (a lock entry, or a `cargo metadata` package). */
export const packageKey = (pkg) => `${pkg.name} ${pkg.version} ${pkg.source ?? ''}`;

/** Keys of the external packages (those with a source) whose entries differ between two lockfile texts: changed, added or removed. */
export function changedLockPackages(before, after) {
  const entries = (text) => new Map(parse(text).package.filter((pkg) => pkg.source).map((pkg) => [packageKey(pkg), JSON.stringify(pkg)]));
  const [old, current] = [entries(before), entries(after)];
  return new Set([...old.keys(), ...current.keys()].filter((key) => old.get(key) !== current.get(key)));
}

/**
 * Names (sorted) of the workspace members whose resolve graph, in cargo's
 * own `cargo metadata`, reaches a package for which `isTarget(pkg)` holds,
 * through dependencies of every kind, as the lockfile records them.
 */
export function membersReaching(metadata, isTarget) {
  const nodes = new Map(metadata.resolve.nodes.map((node) => [node.id, node]));
  const packages = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  return metadata.workspace_members
    .filter((member) => {
      const seen = new Set([member]);
      const queue = [member];
      while (queue.length > 0) {
        for (const dep of nodes.get(queue.shift()).deps) {
          if (seen.has(dep.pkg)) continue;
          if (isTarget(packages.get(dep.pkg))) return true;
          seen.add(dep.pkg);
          queue.push(dep.pkg);
        }
      }
      return false;
    })
    .map((member) => packages.get(member).name)
    .sort();
}
