import type { ExecutorContext, ProjectGraph } from '@nx/devkit';
import { nodeFileSystem } from '@nx-cargo/cargo-workspace';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { isMissingCommand, spawnProcessGroup } from '../../process-group.js';
import { CARGO_MISSING, say } from '../../messages.js';
import { RELEASE_PUBLISH_TARGET } from '../../graph/targets.js';
import { readVersionSource } from '../../release/crate-edits.js';
import { crateOfProject } from '../../release/crate-location.js';
import { publishArgs } from './publish-args.js';
import { cargoError, isAlreadyPublished, registryOf } from './publish-output.js';
import type { ReleasePublishExecutorOptions } from './schema.js';

/**
 * `cargo publish -p <crate>` for one crate, streaming cargo's output. A
 * version the registry has already is skipped with a line saying so; a
 * failure names the crate, the registry and cargo's error. Nx runs the
 * crates of `nx release publish` in dependency order (the target depends
 * on `^nx-release-publish`) and does not start a crate whose dependency
 * failed.
 */
export default async function releasePublishExecutor(options: ReleasePublishExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // Nx sets NX_DRY_RUN too, so that publish tasks started through dependsOn see a dry run.
  const dryRun = options.dryRun === true || process.env.NX_DRY_RUN === 'true';
  const node = context.projectName ? context.projectGraph.nodes[context.projectName] : undefined;
  const crate = crateOfProject(node);
  const source = crate ? readVersionSource(nodeFileSystem(context.root), crate) : undefined;
  const id = `${options.package}@${source && source.kind !== 'absent' ? source.version : '?'}`;
  let args: string[];
  try {
    args = publishArgs({ ...options, dryRun }, dryRun && context.projectName ? localDependencies(context.projectGraph, context.projectName) : []);
  } catch (error) {
    say.error(`cannot publish ${id}: ${(error as Error).message}`);
    return { success: false };
  }

  // Piped, cargo would drop its colours: keep them for a terminal (they are stripped before reading).
  const env = process.stderr.isTTY ? { CARGO_TERM_COLOR: 'always' } : undefined;
  const { child } = await spawnProcessGroup('cargo', args, { cwd: join(context.root, options.cwd), stdout: 'inherit', stderr: 'pipe', env });
  // cargo reports on stderr: show it as it comes, and keep it to read afterwards.
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const result = await child;
  if (isMissingCommand(result)) {
    say.error(CARGO_MISSING);
    return { success: false };
  }
  const output = stripVTControlCharacters(String(result.stderr ?? ''));
  const registryName = options.registry ?? registryOf(output);
  const registry = registryName === undefined ? "cargo's default registry" : registryName === 'crates.io' ? 'crates.io' : `registry \`${registryName}\``;
  const published = source && source.kind !== 'absent' && isAlreadyPublished(output, options.package, source.version);
  if (result.exitCode === 0) {
    if (published) say.info(`${id} is on ${registry} already: a real run skips it`);
    return { success: true };
  }
  if (published && !dryRun) {
    say.info(`${id} is on ${registry} already: skipped`);
    return { success: true };
  }
  say.error(`could not publish ${id} to ${registry}: ${cargoError(output)}`);
  return { success: false };
}

/** Package names of the publishable crates `project` depends on, transitively, in its Cargo workspace. */
export function localDependencies(graph: ProjectGraph, project: string): string[] {
  const workspaceDir = crateOfProject(graph.nodes[project])?.workspaceDir;
  const names = new Set<string>();
  const seen = new Set([project]);
  const queue = [project];
  while (queue.length > 0) {
    for (const { target } of graph.dependencies[queue.shift() as string] ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      const node = graph.nodes[target];
      const crate = crateOfProject(node);
      if (!crate || crate.workspaceDir !== workspaceDir) continue;
      queue.push(target);
      if (node.data.targets?.[RELEASE_PUBLISH_TARGET]) names.add(crate.name);
    }
  }
  return [...names].sort();
}
