import type { ProjectGraphProjectNode } from '@nx/devkit';
import type { CargoProjectMetadata } from '../graph/project-metadata.js';
import type { CrateLocation } from './crate-edits.js';

/** The crate behind a project, from the metadata nx-cargo records on it; undefined for other projects. */
export function crateOfProject(node: ProjectGraphProjectNode | undefined): CrateLocation | undefined {
  const cargo = (node?.data.metadata as { cargo?: CargoProjectMetadata } | undefined)?.cargo;
  if (!node || !cargo) return undefined;
  return { name: cargo.package, dir: projectDir(node.data.root), manifestFile: cargo.manifestFile, workspaceDir: cargo.workspaceDir };
}

/** A project root as a repo-relative folder ('' for the root, which Nx writes '.'). */
export function projectDir(root: string): string {
  return root === '.' ? '' : root;
}
