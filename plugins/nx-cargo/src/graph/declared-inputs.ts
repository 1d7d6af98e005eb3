import { isTable, type CargoPackage } from '@nx-cargo/cargo-workspace';
import type { NxCargoPluginOptions } from './options.js';

/** An input a user adds to a crate's tasks: a file pattern, an environment variable, or a command's output. */
export type DeclaredInput = string | { env: string } | { runtime: string };

/**
 * Inputs Cargo cannot see, declared for a crate (files or variables a build
 * script reads): `[package.metadata.nx] inputs = [...]` in its Cargo.toml,
 * then the plugin option `inputs: { "<folder or package>": [...] }`. An
 * entry of another shape is reported, naming the file, and left out.
 */
export function declaredInputs(pkg: CargoPackage, options: NxCargoPluginOptions | undefined, warnings: string[]): DeclaredInput[] {
  const metadata = pkg.fields.metadata;
  const nx = isTable(metadata) ? metadata.nx : undefined;
  const fromManifest = isTable(nx) ? nx.inputs : undefined;
  const fromOptions = options?.inputs?.[pkg.dir || '.'] ?? options?.inputs?.[pkg.name];
  const inputs: DeclaredInput[] = [];
  for (const [source, list] of [
    [`${pkg.manifestFile} [package.metadata.nx] inputs`, fromManifest],
    [`nx.json nx-cargo option inputs["${pkg.dir || pkg.name}"]`, fromOptions],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      warnings.push(`${source} must be an array of file patterns or { env = "NAME" } / { runtime = "command" } tables`);
      continue;
    }
    for (const entry of list) {
      const input = asInput(entry);
      if (input) inputs.push(input);
      else warnings.push(`${source}: ${JSON.stringify(entry)} is not a file pattern, { env = "NAME" } or { runtime = "command" }; left out`);
    }
  }
  return inputs;
}

function asInput(entry: unknown): DeclaredInput | undefined {
  if (typeof entry === 'string' && entry.length > 0) return entry;
  if (!isTable(entry)) return undefined;
  const keys = Object.keys(entry);
  if (keys.length !== 1) return undefined;
  if (typeof entry.env === 'string') return { env: entry.env };
  if (typeof entry.runtime === 'string') return { runtime: entry.runtime };
  return undefined;
}
