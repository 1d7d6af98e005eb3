// Prints the Nx task hashes of the tasks given, as JSON { "<project>:<target>": hash },
// computed by Nx's own in-process hasher (the one `nx run` uses without the daemon),
// so that tests can compare hashes without running any task. Runs in the
// workspace (cwd), with NX_DAEMON=false:
//   node task-hashes.cjs '{"targets":["build"],"projects":["app"],"overrides":{},"configuration":null}'
// `projects` defaults to every project that has one of the targets.
const { join } = require('node:path');

const nx = (path) => require(join(process.env.NX_CARGO_NX_DIR, 'dist/src', path));

async function main() {
  const request = JSON.parse(process.argv[2] ?? '{}');
  const { createProjectGraphAsync } = nx('project-graph/project-graph');
  const { createTaskGraph } = nx('tasks-runner/create-task-graph');
  const { createTaskHasher } = nx('hasher/create-task-hasher');
  const { readNxJson } = nx('config/nx-json');
  const { getTaskSpecificEnv } = nx('tasks-runner/task-env');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const targets = request.targets ?? ['build'];
  const projects = request.projects ?? Object.keys(graph.nodes).filter((name) => targets.some((target) => graph.nodes[name].data.targets?.[target]));
  const taskGraph = createTaskGraph(graph, {}, projects, targets, request.configuration ?? undefined, request.overrides ?? {});
  const tasks = Object.values(taskGraph.tasks);
  const hasher = createTaskHasher(graph, readNxJson(), {});
  const envs = Object.fromEntries(tasks.map((task) => [task.id, getTaskSpecificEnv(task, graph)]));
  const hashes = await hasher.hashTasksUpfront(tasks, taskGraph, envs);
  const result = {};
  for (const task of tasks.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!hashes[task.id]) throw new Error(`Nx did not hash ${task.id} up front (does it read another task's outputs?)`);
    result[task.id] = hashes[task.id].value;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
