import type { CargoPackage } from '@nx-cargo/cargo-workspace';
import { projectOverride, type NxCargoPluginOptions } from './options.js';

/** A project that another plugin or a project.json already defines. */
export interface ForeignProject {
  name: string;
  root: string;
}

export interface NamedCrate {
  pkg: CargoPackage;
  projectName: string;
  /** Why the project name differs from the package name, for the user. */
  notice?: string;
}

/**
 * Gives every crate a unique Nx project name: its package name unless the
 * user renamed it or the name is taken (by a non-Cargo project in another
 * folder, or an earlier crate), in which case `-rs` and then a counter are
 * appended and a notice says how to choose the name instead.
 */
export function nameCrates(packages: CargoPackage[], foreign: ForeignProject[], options?: NxCargoPluginOptions): NamedCrate[] {
  const taken = new Map<string, string>();
  const crateDirs = new Set(packages.map((pkg) => pkg.dir));
  for (const project of foreign) {
    // A package.json beside a Cargo.toml merges into the crate's project instead of clashing.
    if (!crateDirs.has(project.root)) taken.set(project.name, project.root || '.');
  }
  const named: NamedCrate[] = [];
  for (const pkg of packages) {
    const override = projectOverride(options, pkg.name, pkg.dir);
    if (override === false) continue;
    const wanted = override ?? pkg.name;
    let projectName = wanted;
    for (let attempt = 1; taken.has(projectName); attempt += 1) {
      projectName = attempt === 1 ? `${wanted}-rs` : `${wanted}-rs-${attempt}`;
    }
    const notice =
      projectName === wanted
        ? undefined
        : `crate \`${pkg.name}\` (${pkg.manifestFile}) is the Nx project \`${projectName}\` because \`${wanted}\` is already ` +
          `the project at ${taken.get(wanted)}; to choose its name, set "projects": { "${pkg.dir || '.'}": "<name>" } in the nx-cargo plugin options in nx.json`;
    taken.set(projectName, pkg.dir || '.');
    named.push({ pkg, projectName, notice });
  }
  return named;
}
