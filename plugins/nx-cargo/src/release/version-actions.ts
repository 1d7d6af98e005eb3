import type { ProjectGraph, ProjectGraphDependency, Tree } from '@nx/devkit';
import { VersionActions, type AfterAllProjectsVersioned } from 'nx/release';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { syncGenerator } from '../generators/sync/generator.js';
import { CrateEdits, type CrateLocation } from './crate-edits.js';
import { crateOfProject, projectDir } from './crate-location.js';
import { ReleaseConfigError } from './errors.js';
import { treeFiles } from './tree-files.js';
import { say } from '../messages.js';

/** One CrateEdits per Tree: every project of a release shares its inheritance lookups. */
const editsByTree = new WeakMap<Tree, CrateEdits>();

function editsFor(tree: Tree): CrateEdits {
  let edits = editsByTree.get(tree);
  if (!edits) {
    edits = new CrateEdits(treeFiles(tree));
    editsByTree.set(tree, edits);
  }
  return edits;
}

/**
 * After the versions are on disk: the inputs files `nx sync` keeps hold the
 * `[workspace.package]` fields crates inherit, the version among them, so
 * those that exist are rewritten now and go into the release commit;
 * otherwise `nx sync:check` fails on it. None is created or deleted here.
 */
export const afterAllProjectsVersioned: AfterAllProjectsVersioned = async (cwd, { dryRun }) => {
  const tree = new FsTree(cwd, false);
  await syncGenerator(tree);
  const updates = tree.listChanges().filter((change) => change.type === 'UPDATE');
  if (!dryRun) flushChanges(cwd, updates);
  if (updates.length > 0) say.info(`${dryRun ? 'would refresh' : 'refreshed'} ${updates.length} inputs file(s) of \`nx sync\` for the new versions`);
  return { changedFiles: updates.map((change) => change.path), deletedFiles: [] };
};

/**
 * `nx release version` for Cargo crates: set `"versionActions":
 * "nx-cargo/version-actions"` on a release group. Versions live
 * in the crate's Cargo.toml, or in `[workspace.package]` for crates with
 * `version.workspace = true` (which must then share one fixed group); a bump
 * moves the requirements of local dependents and the crate's Cargo.lock
 * entries with it.
 */
export default class CargoVersionActions extends VersionActions {
  validManifestFilenames = ['Cargo.toml'];
  // Edits keep each manifest's layout; Prettier has no TOML parser to add anything.
  excludeManifestsFromFormatting = true;
  /** The whole graph, as Nx hands it to readDependencies before anything is versioned: dependents come from it. */
  private graph?: ProjectGraph;

  override async readDependencies(tree: Tree, projectGraph: ProjectGraph): Promise<ProjectGraphDependency[]> {
    this.graph = projectGraph;
    return super.readDependencies(tree, projectGraph);
  }

  override async validate(tree: Tree): Promise<void> {
    await super.validate(tree);
    this.checkSharedVersion(tree);
  }

  /** Crates that inherit `[workspace.package] version` can only move together: all in this group, and the group fixed. */
  private checkSharedVersion(tree: Tree): void {
    const crate = this.crate();
    const inheritors = editsFor(tree).versionInheritors(crate);
    if (!inheritors.includes(crate.dir)) return;
    const group = this.releaseGroup;
    const projects = inheritors.map((dir) => this.projectAt(dir) ?? dir);
    const missing = projects.filter((project) => !group.projects.includes(project));
    if (group.projectsRelationship === 'fixed' && missing.length === 0) return;
    throw new ReleaseConfigError(
      'nx.json',
      `${projects.join(', ')} take their version from [workspace.package] in ${crate.workspaceDir ? `${crate.workspaceDir}/` : ''}Cargo.toml, so they are versioned together: ` +
        `put all of them in one release group with "projectsRelationship": "fixed" (release group "${group.name}" ${
          group.projectsRelationship === 'fixed' ? `lacks ${missing.join(', ')}` : 'is independent'
        })`,
    );
  }

  async readCurrentVersionFromSourceManifest(tree: Tree): Promise<{ currentVersion: string; manifestPath: string } | null> {
    const crate = this.crate();
    const source = editsFor(tree).versionSource(crate);
    if (source.kind === 'absent') {
      throw new ReleaseConfigError(
        'nx.json',
        `crate \`${crate.name}\` (${crate.manifestFile}) has no \`version\`: cargo reads it as 0.0.0 and does not publish it; give it a version or leave project "${this.projectGraphNode.name}" out of the release groups`,
      );
    }
    return { currentVersion: source.version, manifestPath: source.file };
  }

  async readCurrentVersionFromRegistry(): Promise<null> {
    // Nx then says that the "registry" resolver does not fit these projects: use "disk" or "git-tag".
    return null;
  }

  async readCurrentVersionOfDependency(tree: Tree, projectGraph: ProjectGraph, dependencyProjectName: string): Promise<{ currentVersion: string | null; dependencyCollection: string | null }> {
    const dependency = crateOfProject(projectGraph.nodes[dependencyProjectName]);
    const reference = dependency && editsFor(tree).requirementOn(this.crate(), dependency.dir);
    return { currentVersion: reference?.req ?? null, dependencyCollection: reference?.collection ?? null };
  }

  async updateProjectVersion(tree: Tree, newVersion: string): Promise<string[]> {
    // Nx versions without validate() reach this point unchecked.
    this.checkSharedVersion(tree);
    const edits = editsFor(tree);
    const crate = this.crate();
    const dependents = this.dependents();
    return [...edits.writeVersion(crate, newVersion, dependents.map((dependent) => dependent.workspaceDir)), ...edits.moveDependents(crate, dependents, newVersion)];
  }

  async updateProjectDependencies(tree: Tree, projectGraph: ProjectGraph, dependenciesToUpdate: Record<string, string>): Promise<string[]> {
    const requirements = Object.entries(dependenciesToUpdate).flatMap(([project, req]) => {
      const dependency = crateOfProject(projectGraph.nodes[project]);
      return dependency ? [{ name: dependency.name, dir: dependency.dir, req }] : [];
    });
    return editsFor(tree).setDependencyRequirements(this.crate(), requirements);
  }

  private crate(): CrateLocation {
    const crate = crateOfProject(this.projectGraphNode);
    if (!crate) {
      throw new ReleaseConfigError(
        'nx.json',
        `project "${this.projectGraphNode.name}" is not a Cargo crate, but its release group uses nx-cargo's versionActions: move it to a group of its own`,
      );
    }
    return crate;
  }

  /** Crates with an edge to this one, in the graph Nx versions with. */
  private dependents(): CrateLocation[] {
    const graph = this.graph;
    if (!graph) return [];
    const name = this.projectGraphNode.name;
    return Object.entries(graph.dependencies)
      .filter(([source, edges]) => source !== name && edges.some((edge) => edge.target === name))
      .flatMap(([source]) => crateOfProject(graph.nodes[source]) ?? []);
  }

  private projectAt(dir: string): string | undefined {
    return Object.values(this.graph?.nodes ?? {}).find((node) => projectDir(node.data.root) === dir)?.name;
  }
}
