// Child of run.mjs: one fresh Node process that does what Nx asks of a Cargo
// plugin (ours or @monodon/rust) for one project graph, the way a plugin
// worker or the Nx daemon does: load the plugin once, then call createNodes
// and createDependencies, and again for each later graph (the daemon keeps
// plugins loaded and calls them again on file changes).
//
//   node in-process.mjs <plugin entry> <createNodes export> <workspace root> <manifest list (JSON file)> [calls]
//
// <plugin entry> is what `require` takes: the plugin's installed package folder.
// <createNodes export> is the name the Nx under test reads: `createNodes` for
// Nx 23 and later, `createNodesV2` for Nx 21 and 22. Call 1 is "cold" (first
// graph in a fresh process, module already loaded), the last is "warm".
// Before every call but the first, one member manifest is rewritten with the
// same bytes (outside the timing): the file change on which the daemon calls
// again, which also makes any cache keyed on file stats miss, so that warm
// calls measure graph work, not a cache hit.
// Prints one JSON line: the require time, the file the plugin resolved to and
// every CommonJS file loaded by the end (run.mjs checks that none comes from
// this repository), per call the phase times in ms, and for the first and
// the last call the project roots and edges as root pairs.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { matchesGlob } from 'node:path';

const [pluginEntry, nodesExport, workspaceRoot, manifestListFile, callsText = '3'] = process.argv.slice(2);
const calls = Number(callsText);
// A plugin worker runs in the workspace root; @monodon/rust runs `cargo
// metadata` in process.cwd() and reads Nx's workspaceRoot, set when its devkit loads.
process.chdir(workspaceRoot);
// Nx hands the file list in, so reading it is not part of the timed work.
const manifests = JSON.parse(readFileSync(manifestListFile, 'utf8'));

const require = createRequire(import.meta.url);
const start = performance.now();
const plugin = require(pluginEntry);
const requireMs = performance.now() - start;

if (!Array.isArray(plugin[nodesExport])) throw new Error(`${pluginEntry} exports no ${nodesExport} (it exports ${Object.keys(plugin).join(', ')})`);
const [glob, createNodes] = plugin[nodesExport];
// Nx passes only the files that match the plugin's glob (@monodon/rust's leaves the root Cargo.toml out).
const configFiles = manifests.filter((file) => matchesGlob(file, glob));
const changedFile = manifests.filter((file) => file.includes('/')).at(-1) ?? manifests.at(-1);

const runs = [];
const graphs = [];
for (let call = 1; call <= calls; call++) {
  if (call > 1) writeFileSync(changedFile, readFileSync(changedFile));
  // Fresh inputs each call, as Nx builds them anew for every graph.
  const nxJsonConfiguration = {};
  const callStart = performance.now();
  const results = await createNodes([...configFiles], {}, { workspaceRoot, nxJsonConfiguration });
  const { projects, externalNodes } = mergeResults(results);
  const nodesDone = performance.now();
  const emptyFileMap = { projectFileMap: {}, nonProjectFiles: [] };
  const dependencies = await plugin.createDependencies({}, { projects, externalNodes, workspaceRoot, nxJsonConfiguration, fileMap: emptyFileMap, filesToProcess: emptyFileMap });
  const end = performance.now();
  runs.push({ createNodes: nodesDone - callStart, createDependencies: end - nodesDone, total: end - callStart });
  if (call === 1 || call === calls) graphs.push(graphOf(projects, dependencies));
}

const pluginFile = require.resolve(pluginEntry);
const loadedFiles = Object.keys(require.cache);
process.stdout.write(`${JSON.stringify({ requireMs, pluginFile, loadedFiles, configFiles: configFiles.length, runs, cold: graphs[0], warm: graphs.at(-1) })}\n`);

/** Project roots and edges between projects (external nodes left out) as root pairs. */
function graphOf(projects, dependencies) {
  const rootOf = (name) => projects[name]?.root;
  return {
    roots: Object.values(projects).map((project) => project.root),
    edges: dependencies.filter((edge) => rootOf(edge.target) !== undefined).map((edge) => [rootOf(edge.source), rootOf(edge.target)]),
  };
}

/** Projects keyed by name and all external nodes, as Nx merges createNodes results. */
function mergeResults(results) {
  const projects = {};
  const externalNodes = {};
  for (const [, result] of results) {
    for (const project of Object.values(result.projects ?? {})) projects[project.name] = project;
    Object.assign(externalNodes, result.externalNodes);
  }
  return { projects, externalNodes };
}
