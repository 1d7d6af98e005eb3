import { ManifestError } from './errors.js';
import { dirOf } from './paths.js';
import { isTable, parseToml, type TomlTable } from './toml.js';

/** The `[workspace]` table of a root manifest, as written. */
export interface WorkspaceConfig {
  members?: string[];
  exclude: string[];
  defaultMembers?: string[];
  /** `[workspace.package]`: fields members may inherit. */
  package: TomlTable;
  /** `[workspace.dependencies]`: entries members may inherit. */
  dependencies: TomlTable;
}

/** One Cargo.toml, parsed but not yet resolved against its workspace. */
export interface Manifest {
  file: string;
  dir: string;
  toml: TomlTable;
  /** The `[package]` table; absent for a virtual manifest. */
  package?: TomlTable;
  workspace?: WorkspaceConfig;
  /** `package.workspace`: an explicit path to the workspace root folder. */
  workspacePath?: string;
}

export function parseManifest(file: string, text: string): Manifest {
  const toml = parseToml(file, text);
  const pkg = toml.package ?? toml.project;
  if (pkg !== undefined && !isTable(pkg)) throw new ManifestError({ file }, '`package` must be a table');
  if (pkg && typeof pkg.name !== 'string') {
    throw new ManifestError({ file }, '`package.name` is missing: every [package] needs a name');
  }
  const workspace = toml.workspace === undefined ? undefined : readWorkspace(file, toml.workspace);
  if (!pkg && !workspace) {
    throw new ManifestError({ file }, 'neither [package] nor [workspace] found: add one of them');
  }
  const workspacePath = pkg && typeof pkg.workspace === 'string' ? pkg.workspace : undefined;
  return { file, dir: dirOf(file), toml, package: pkg, workspace, workspacePath };
}

function readWorkspace(file: string, value: unknown): WorkspaceConfig {
  if (!isTable(value)) throw new ManifestError({ file }, '`workspace` must be a table');
  const list = (key: string): string[] | undefined => {
    const raw = value[key];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) {
      throw new ManifestError({ file }, `\`workspace.${key}\` must be an array of strings`);
    }
    return raw as string[];
  };
  return {
    members: list('members'),
    exclude: list('exclude') ?? [],
    defaultMembers: list('default-members'),
    package: isTable(value.package) ? value.package : {},
    dependencies: isTable(value.dependencies) ? value.dependencies : {},
  };
}
