import type { Tree } from '@nx/devkit';
import { globAsync, readNxJson, updateNxJson } from '../../nx-devkit.js';
import { describeCargoGraph } from '../../graph/describe.js';
import { CARGO_NODES_GLOB } from '../../graph/create-nodes.js';
import { readVersionSource } from '../../release/crate-edits.js';
import { projectDir } from '../../release/crate-location.js';
import { pluginOptions, treeFileSystem } from '../shared/nx-cargo-tree.js';

/** What a release group names to version crates (resolved from the workspace, like @nx/js's own). */
export const VERSION_ACTIONS = 'nx-cargo/version-actions';

export type Relationship = 'fixed' | 'independent';

interface ReleaseGroup {
  projects: string[];
  projectsRelationship: Relationship;
  version: { versionActions: string };
}

/** A crate cargo would publish: its project, and the Cargo workspace whose version it inherits, if it does. */
export interface ReleasableCrate {
  project: string;
  inheritsFrom?: string;
}

/**
 * Release groups for the crates: all in one group when `fixed`; otherwise
 * one independent group, plus a fixed group per Cargo workspace for the
 * crates that take their version from its `[workspace.package]` (they can
 * only move together). Empty groups are left out.
 */
export function releaseGroups(crates: readonly ReleasableCrate[], relationship: Relationship): Record<string, ReleaseGroup> {
  const group = (projects: string[], projectsRelationship: Relationship): ReleaseGroup => ({ projects, projectsRelationship, version: { versionActions: VERSION_ACTIONS } });
  if (relationship === 'fixed') return crates.length > 0 ? { crates: group(crates.map((crate) => crate.project), 'fixed') } : {};
  const groups: Record<string, ReleaseGroup> = {};
  const own = crates.filter((crate) => crate.inheritsFrom === undefined).map((crate) => crate.project);
  if (own.length > 0) groups.crates = group(own, 'independent');
  for (const dir of [...new Set(crates.flatMap((crate) => crate.inheritsFrom ?? []))].sort()) {
    const name = dir === '' ? 'crates-workspace' : `crates-${dir.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
    groups[name] = group(crates.filter((crate) => crate.inheritsFrom === dir).map((crate) => crate.project), 'fixed');
  }
  return groups;
}

/**
 * Adds release groups for the crates cargo would publish to nx.json. Groups
 * of those names that exist already are left as they are, and so are crates
 * another group lists by name; with `release.projects` and no groups, Nx
 * allows no groups beside it, so that is an error saying what to do.
 */
export async function addReleaseGroups(tree: Tree, relationship: Relationship): Promise<string[]> {
  const nxJson = readNxJson(tree) ?? {};
  const release = nxJson.release ?? {};
  if (release.projects !== undefined && release.groups === undefined) {
    throw new Error('nx.json: `release.projects` is set, and Nx takes no release groups beside it: move those projects into a group under `release.groups`, then run `nx g nx-cargo:init --release` again');
  }
  const existing = release.groups ?? {};
  const listed = new Set(Object.values(existing).flatMap((group) => (Array.isArray(group.projects) ? group.projects : [group.projects])));
  const crates = (await releasableCrates(tree)).filter((crate) => !listed.has(crate.project));
  const added = Object.entries(releaseGroups(crates, relationship)).filter(([name]) => !(name in existing));
  if (added.length === 0) return [];
  updateNxJson(tree, { ...nxJson, release: { ...release, groups: { ...existing, ...Object.fromEntries(added) } } });
  return added.map(([name]) => name);
}

async function releasableCrates(tree: Tree): Promise<ReleasableCrate[]> {
  const files = treeFileSystem(tree);
  const configFiles = (await globAsync(tree, [CARGO_NODES_GLOB])).sort();
  return describeCargoGraph(files, configFiles, pluginOptions(tree))
    .crates.filter((crate) => crate.cargo.publishable)
    .map((crate) => {
      const location = { name: crate.cargo.package, dir: projectDir(crate.build.root), manifestFile: crate.cargo.manifestFile, workspaceDir: crate.cargo.workspaceDir };
      return readVersionSource(files, location).kind === 'workspace' ? { project: crate.projectName, inheritsFrom: crate.cargo.workspaceDir } : { project: crate.projectName };
    })
    .sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
}
