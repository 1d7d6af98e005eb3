import type { ReleasePublishExecutorOptions } from './schema.js';

/**
 * `cargo publish` arguments for one crate. A dry run also names `localDependencies`
 * (the local crates it depends on, transitively): cargo ≥ 1.90 then packages them
 * too and resolves the crate against them, so a dependency's new, unpublished
 * version does not fail the dry run. A real run publishes one crate: Nx orders
 * the crates.
 */
export function publishArgs(options: ReleasePublishExecutorOptions, localDependencies: readonly string[] = []): string[] {
  if (options.registry?.includes('://')) {
    throw new Error(`registry "${options.registry}" is a URL: name a registry of cargo's configuration instead ([registries.<name>] index = "${options.registry}")`);
  }
  const extra = typeof options.args === 'string' ? options.args.split(/\s+/).filter(Boolean) : (options.args ?? []);
  const packages = options.dryRun ? [options.package, ...localDependencies.filter((name) => name !== options.package)] : [options.package];
  return [
    'publish',
    ...packages.flatMap((name) => ['-p', name]),
    ...(options.registry ? ['--registry', options.registry] : []),
    ...(options.dryRun ? ['--dry-run'] : []),
    ...extra,
  ];
}
