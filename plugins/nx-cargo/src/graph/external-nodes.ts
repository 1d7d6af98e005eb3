import type { ProjectGraphExternalNode } from '@nx/devkit';
import { lockPackageHash, type LockPackage } from '@nx-cargo/cargo-workspace';

/**
 * Nx external nodes for external crates, named `cargo:<name>@<version>`.
 * The same name and version from two different sources (a git fork beside
 * crates.io, say) must not share a node, or one would hash as the other: the
 * later one gets a short hash suffix.
 */
export class ExternalNodes {
  readonly nodes: Record<string, ProjectGraphExternalNode> = {};
  private readonly names = new Map<LockPackage, string>();

  nameOf(pkg: LockPackage): string {
    const known = this.names.get(pkg);
    if (known) return known;
    const hash = lockPackageHash(pkg);
    let name = `cargo:${pkg.name}@${pkg.version}`;
    if (this.nodes[name] && this.nodes[name].data.hash !== hash) name = `${name}+${hash.slice(0, 12)}`;
    this.nodes[name] ??= { type: 'cargo', name, data: { version: pkg.version, packageName: pkg.name, hash } };
    this.names.set(pkg, name);
    return name;
  }
}
