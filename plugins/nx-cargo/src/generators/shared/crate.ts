import type { Tree } from '@nx/devkit';
import { globAsync, logger } from '../../nx-devkit.js';
import { posix } from 'node:path';
import { initGenerator } from '../init/generator.js';
import { validatePackageName } from './package-name.js';
import { isTable, parseToml, type TomlTable } from '@nx-cargo/cargo-workspace';
import type { CrateTemplate } from './crate-template.js';
import { napiTemplate } from './napi-template.js';
import { addWorkspaceMember, isWorkspaceMember } from './workspace-manifest.js';
import { message } from '../../messages.js';

/** `napi`: a library that is also a Node.js native addon, built with napi-rs. */
export type CrateKind = 'library' | 'binary' | 'napi';

/** What every crate generator takes; each generator's schema.json describes it for Nx. */
export interface CrateOptions {
  /** The Cargo package name. */
  name: string;
  /** Folder of the new crate, relative to the workspace root; `crates/<name>` when absent. */
  directory?: string;
}

/** The Cargo workspace a new crate joins: the nearest `[workspace]` above it. */
interface EnclosingWorkspace {
  /** Folder of the workspace root, '' for the repository root. */
  dir: string;
  manifestFile: string;
  manifest: TomlTable;
  workspace: TomlTable;
}

/**
 * Writes a new Cargo package that builds and tests as it is, and makes it a
 * member of the Cargo workspace above it. Everything goes through the Tree,
 * so `--dry-run` shows the changes without writing them.
 */
export async function generateCrate(tree: Tree, options: CrateOptions, kind: CrateKind): Promise<void> {
  const name = validatePackageName(options.name, kind === 'binary' ? 'binary' : 'library');
  const dir = crateDirectory(options.directory, name);
  const manifestFile = `${dir}/Cargo.toml`;
  const template = crateTemplate(kind, name);
  for (const file of [manifestFile, ...Object.keys(template.files).map((path) => `${dir}/${path}`)]) {
    if (tree.exists(file)) throw new Error(`${file} already exists: choose another --directory`);
  }

  if (!tree.exists('Cargo.toml')) await initGenerator(tree, {});

  const workspace = enclosingWorkspace(tree, dir);
  if (workspace) {
    const member = workspace.dir === '' ? dir : posix.relative(workspace.dir, dir);
    await assertNameFree(tree, workspace, name);
    if (!isWorkspaceMember(workspace.workspace, member)) {
      const text = tree.read(workspace.manifestFile, 'utf-8') ?? '';
      tree.write(workspace.manifestFile, addWorkspaceMember(workspace.manifestFile, text, member));
    }
  } else {
    // What `cargo new` does too: with no workspace above it, the crate stands alone.
    logger.info(message(`no Cargo workspace contains ${dir}, so ${name} is a standalone package with its own Cargo.lock and target folder.`));
  }

  const shared = isTable(workspace?.workspace.package) ? workspace.workspace.package : {};
  tree.write(manifestFile, packageManifest(name, 'version' in shared, 'edition' in shared, template.manifestTables));
  for (const [path, text] of Object.entries(template.files)) tree.write(`${dir}/${path}`, text);
}

function crateTemplate(kind: CrateKind, name: string): CrateTemplate {
  if (kind === 'napi') return napiTemplate(name);
  return { manifestTables: '[dependencies]\n', files: kind === 'library' ? { 'src/lib.rs': LIB_RS } : { 'src/main.rs': MAIN_RS } };
}

/** The crate's folder, relative to the workspace root, checked to stay inside it. */
export function crateDirectory(directory: string | undefined, name: string): string {
  if (directory === undefined || directory.trim() === '') return `crates/${name}`;
  const given = directory.trim().replace(/\\/g, '/');
  if (posix.isAbsolute(given) || /^[A-Za-z]:/.test(given)) throw new Error(`--directory must be relative to the workspace root, got \`${directory}\``);
  const dir = posix.normalize(given).replace(/\/+$/, '');
  if (dir === '.' || dir === '') throw new Error('--directory cannot be the workspace root, which holds the root Cargo.toml: use a folder such as crates/<name>');
  if (dir === '..' || dir.startsWith('../')) throw new Error(`--directory must stay inside the workspace, got \`${directory}\``);
  return dir;
}

function manifestPath(dir: string): string {
  return dir === '' ? 'Cargo.toml' : `${dir}/Cargo.toml`;
}

/** Cargo's search: the nearest Cargo.toml above the crate that has a `[workspace]` table. */
function enclosingWorkspace(tree: Tree, crateDir: string): EnclosingWorkspace | undefined {
  let dir = crateDir;
  while (dir !== '') {
    dir = posix.dirname(dir) === '.' ? '' : posix.dirname(dir);
    const manifestFile = manifestPath(dir);
    if (!tree.exists(manifestFile)) continue;
    const manifest = parseToml(manifestFile, tree.read(manifestFile, 'utf-8') ?? '');
    if (isTable(manifest.workspace)) return { dir, manifestFile, manifest, workspace: manifest.workspace };
  }
  return undefined;
}

/** Two packages of one name in a workspace make cargo fail: say so before writing anything. */
async function assertNameFree(tree: Tree, workspace: EnclosingWorkspace, name: string): Promise<void> {
  const clash = (manifest: TomlTable) => isTable(manifest.package) && manifest.package.name === name;
  if (clash(workspace.manifest)) throw new Error(`the workspace root ${workspace.manifestFile} is already a package named \`${name}\`: choose another name`);
  const pattern = workspace.dir === '' ? '**/Cargo.toml' : `${workspace.dir}/**/Cargo.toml`;
  for (const file of await globAsync(tree, [pattern])) {
    if (file === workspace.manifestFile) continue;
    const dir = posix.dirname(file);
    const member = workspace.dir === '' ? dir : posix.relative(workspace.dir, dir);
    if (!isWorkspaceMember(workspace.workspace, member)) continue;
    let manifest: TomlTable;
    try {
      manifest = parseToml(file, tree.read(file, 'utf-8') ?? '');
    } catch {
      continue;
    }
    if (clash(manifest)) throw new Error(`the workspace ${workspace.manifestFile} already has a package named \`${name}\` (${file}): choose another name`);
  }
}

function packageManifest(name: string, inheritVersion: boolean, inheritEdition: boolean, tables: string): string {
  return [
    '[package]',
    `name = "${name}"`,
    inheritVersion ? 'version.workspace = true' : 'version = "0.1.0"',
    inheritEdition ? 'edition.workspace = true' : 'edition = "2021"',
    '',
    tables,
  ].join('\n');
}

const LIB_RS = `/// Adds two numbers.
pub fn add(left: u64, right: u64) -> u64 {
    left + right
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 2), 4);
    }
}
`;

const MAIN_RS = `fn main() {
    println!("{}", greeting("world"));
}

/// The line \`main\` prints.
fn greeting(name: &str) -> String {
    format!("Hello, {name}!")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_by_name() {
        assert_eq!(greeting("world"), "Hello, world!");
    }
}
`;
