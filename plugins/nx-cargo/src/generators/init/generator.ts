import type { NxJsonConfiguration, Tree } from '@nx/devkit';
import { logger, readNxJson, updateNxJson } from '../../nx-devkit.js';
import { PLUGIN_NAME } from '../../graph/options.js';
import { addReleaseGroups } from './release-groups.js';
import type { InitGeneratorSchema } from './schema.js';
import { message } from '../../messages.js';

export { PLUGIN_NAME };

/** The root manifest `init` writes: a virtual workspace whose crates live under crates/. */
export const ROOT_MANIFEST = '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n';

/** The sync generator that writes the files `nx affected` needs (`nx sync`, checked by `nx sync:check`). */
export const SYNC_GENERATOR = 'nx-cargo:sync';

/**
 * `nx g nx-cargo:init`: registers the plugin and its sync generator as a
 * global one (run by `nx sync`, checked by `nx sync:check`, never blocking a
 * task: task hashes do not read its files), creates a root virtual Cargo
 * workspace when there is no root Cargo.toml, and ignores `target`. With
 * `--release`, adds release groups for the crates cargo would publish to
 * nx.json. Running it again changes nothing.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<void> {
  registerPlugin(tree);
  if (!tree.exists('Cargo.toml')) tree.write('Cargo.toml', ROOT_MANIFEST);
  ignoreTarget(tree);
  if (options.release) {
    const groups = await addReleaseGroups(tree, options.release);
    if (groups.length === 0) logger.info(message('no release groups added (no publishable crates outside the groups in nx.json)'));
  }
}

export default initGenerator;

function isThisPlugin(entry: unknown): boolean {
  if (typeof entry === 'string') return entry === PLUGIN_NAME;
  return typeof entry === 'object' && entry !== null && (entry as { plugin?: unknown }).plugin === PLUGIN_NAME;
}

export function registerPlugin(tree: Tree): void {
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some(isThisPlugin);
  const globalGenerators = nxJson.sync?.globalGenerators ?? [];
  const syncRegistered = globalGenerators.includes(SYNC_GENERATOR);
  if (registered && syncRegistered) return;
  const updated = {
    ...nxJson,
    plugins: registered ? plugins : [...plugins, PLUGIN_NAME],
    sync: { ...nxJson.sync, globalGenerators: syncRegistered ? globalGenerators : [...globalGenerators, SYNC_GENERATOR] },
  };
  // updateNxJson does nothing at all when nx.json is missing.
  if (tree.exists('nx.json')) updateNxJson(tree, updated);
  else tree.write('nx.json', `${JSON.stringify(updated, null, 2)}\n`);
}

/** Lines that already keep the root target folder out of git. */
const IGNORES_TARGET = new Set(['target', 'target/', '/target', '/target/', '**/target', '**/target/', 'target/**', '/target/**']);

export function ignoreTarget(tree: Tree): void {
  const text = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  let ignored = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (IGNORES_TARGET.has(line)) ignored = true;
    else if (line.startsWith('!') && IGNORES_TARGET.has(line.slice(1))) ignored = false;
  }
  if (ignored) return;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${text}${separator}# Cargo build output\ntarget\n`);
}
