import type { ProjectGraphExternalNode } from '@nx/devkit';
import { lockPackageHash, type LockPackage } from '@nx-cargo/cargo-workspace';
import { inputsNodeName, textHash } from './workspace-inputs.js';

/**
 * Nx external nodes for external crates, named `cargo:<name>@<version>`.
 * The same name and version from two different sources (a git fork beside
 * crates.io, say) must not share a node, or one would hash as the other: the
 * later one gets a short hash suffix.
 */
export class ExternalNodes {
  readonly nodes: Record<string, ProjectGraphExternalNode> = {};
  private readonly names = new Map<LockPackage, string>();

  /**
   * A node that stands for a generated inputs file (workspace-inputs.ts),
   * named after it, hashed by its text: tasks name it in their
   * `externalDependencies`.
   */
  addInputsNode(file: string, text: string): void {
    const name = inputsNodeName(file);
    this.nodes[name] = { type: 'cargo', name, data: { version: '0.0.0', packageName: file, hash: textHash(text) } };
  }

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
