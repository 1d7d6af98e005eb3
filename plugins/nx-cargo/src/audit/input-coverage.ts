import picomatch from 'picomatch';

/** One entry of a target's `inputs` or of a named input, as Nx accepts it. */
export type NxInput =
  | string
  | {
      input?: string;
      projects?: string | string[];
      dependencies?: boolean;
      fileset?: string;
      env?: string;
      runtime?: string;
      externalDependencies?: string[];
      dependentTasksOutputFiles?: string;
      [key: string]: unknown;
    };

/** What the audit needs of one Nx project. */
export interface ProjectInputs {
  root: string;
  namedInputs?: Record<string, NxInput[]>;
  targets?: Record<string, { inputs?: NxInput[] }>;
}

/** The part of the project graph that decides a task's inputs. */
export interface InputModel {
  projects: Record<string, ProjectInputs>;
  /** Project name -> names of the projects it depends on (external nodes may be listed; they are skipped). */
  dependencies: Record<string, string[]>;
  /** `namedInputs` of nx.json. */
  nxNamedInputs?: Record<string, NxInput[]>;
}

/** The file patterns and variables that one project contributes to a task. */
export interface ProjectFileset {
  project: string;
  /** Patterns made workspace-relative; `ownFiles` marks those written with `{projectRoot}`. */
  patterns: Array<{ glob: string; negated: boolean; ownFiles: boolean }>;
}

/** A task's inputs in the terms the audit checks reads against. */
export interface TaskInputs {
  filesets: ProjectFileset[];
  env: Set<string>;
  /** Commands of `runtime` inputs, as written. */
  runtime: Set<string>;
}

/** Nx's inputs for a target that names none. */
const DEFAULT_INPUTS: NxInput[] = [{ input: 'default' }, { input: 'default', dependencies: true }];

/**
 * Resolves a task's inputs the way Nx's task hasher does: target inputs (or
 * Nx's defaults), named inputs from the project over nx.json over
 * `default = {projectRoot}/**\/*`, `^name` and `{ input, dependencies: true }`
 * through every project the task's project depends on (transitively),
 * `{ input, projects }` for the projects listed. Only file sets,
 * environment variables and runtime commands are kept: the other kinds say
 * nothing about what a build reads.
 */
export function resolveTaskInputs(model: InputModel, projectName: string, target: string): TaskInputs {
  const project = model.projects[projectName];
  if (!project) throw new Error(`no project named ${projectName}`);
  const inputs = project.targets?.[target]?.inputs ?? DEFAULT_INPUTS;
  const result: TaskInputs = { filesets: [], env: new Set(), runtime: new Set() };
  const self: NxInput[] = [];
  const add = (name: string, entries: NxInput[]) => {
    const patterns: ProjectFileset['patterns'] = [];
    for (const entry of expand(model, name, entries)) {
      if (entry.env !== undefined) result.env.add(entry.env);
      if (entry.runtime !== undefined) result.runtime.add(entry.runtime);
      if (entry.fileset !== undefined) patterns.push(toPattern(entry.fileset, model.projects[name].root));
    }
    if (patterns.length > 0) result.filesets.push({ project: name, patterns });
  };
  for (const input of inputs) {
    if (typeof input === 'string' && input.startsWith('^')) {
      const rest = input.slice(1);
      for (const dependency of dependencyClosure(model, [projectName])) add(dependency, [rest.startsWith('{') ? { fileset: rest } : rest]);
    } else if (typeof input === 'object' && input.input !== undefined && input.fileset === undefined && input.projects !== undefined && input.projects !== 'self') {
      const listed = input.projects === 'dependencies' ? dependencyClosure(model, [projectName]) : [input.projects].flat();
      const named = listed.filter((name) => model.projects[name]);
      const reached = input.dependencies ? new Set([...named, ...dependencyClosure(model, named)]) : new Set(named);
      for (const name of reached) add(name, [input.input]);
    } else if (typeof input === 'object' && input.dependencies && (input.input !== undefined || input.fileset !== undefined)) {
      for (const dependency of dependencyClosure(model, [projectName])) add(dependency, [input.fileset !== undefined ? { fileset: input.fileset } : (input.input as string)]);
    } else {
      self.push(input);
    }
  }
  add(projectName, self);
  return result;
}

/** Projects reachable from `start` through dependency edges, `start` itself left out. */
function dependencyClosure(model: InputModel, start: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    for (const next of model.dependencies[queue.pop() as string] ?? []) {
      if (seen.has(next) || !model.projects[next]) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen].filter((name) => !start.includes(name));
}

type ExpandedInput = { fileset?: string; env?: string; runtime?: string };

/** Expands named inputs within one project; anything that is not a file set, variable or command is dropped. */
function expand(model: InputModel, projectName: string, inputs: NxInput[], visiting = new Set<string>()): ExpandedInput[] {
  const named: Record<string, NxInput[]> = {
    default: [{ fileset: '{projectRoot}/**/*' }],
    ...model.nxNamedInputs,
    ...model.projects[projectName].namedInputs,
  };
  const expanded: ExpandedInput[] = [];
  for (const input of inputs) {
    const name = typeof input === 'string' ? (named[input] ? input : undefined) : input.input;
    if (typeof input === 'string' && name === undefined) {
      expanded.push({ fileset: input });
    } else if (typeof input === 'object' && (input.fileset !== undefined || input.env !== undefined || input.runtime !== undefined)) {
      expanded.push({ fileset: input.fileset, env: input.env, runtime: input.runtime });
    } else if (name !== undefined && named[name] && !visiting.has(name)) {
      visiting.add(name);
      expanded.push(...expand(model, projectName, named[name], visiting));
      visiting.delete(name);
    }
  }
  return expanded;
}

/** `{workspaceRoot}/a` -> `a`; `{projectRoot}/b` -> `<root>/b` (only that project's files); `!` kept aside. */
function toPattern(fileset: string, root: string): ProjectFileset['patterns'][number] {
  const negated = fileset.startsWith('!');
  let glob = negated ? fileset.slice(1) : fileset;
  const ownFiles = glob.startsWith('{projectRoot}');
  const base = root === '.' ? '' : root;
  glob = glob.replace('{projectRoot}', base).replace('{workspaceRoot}', '');
  glob = glob.replace(/^\.?\//, '');
  return { glob, negated, ownFiles };
}

/**
 * The project that owns a workspace-relative file, as Nx decides: the one
 * with the deepest root that contains it.
 */
export function projectOwning(model: InputModel, file: string): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const [name, project] of Object.entries(model.projects)) {
    const root = project.root === '.' ? '' : project.root;
    if ((root === '' || file.startsWith(`${root}/`)) && root.length > bestLength) {
      best = name;
      bestLength = root.length;
    }
  }
  return best;
}

const matchers = new Map<string, (path: string) => boolean>();
function matches(glob: string, file: string): boolean {
  let matcher = matchers.get(glob);
  if (!matcher) {
    matcher = picomatch(glob, { dot: true });
    matchers.set(glob, matcher);
  }
  return matcher(file);
}

/**
 * Whether a workspace-relative file is among a task's inputs by its
 * patterns: some project's file set has a pattern that matches it (a
 * `{projectRoot}` pattern only for files that project owns) and no negated
 * pattern of the same file set excludes it. It does not know what Nx leaves
 * out of its file map (ignored files): `nx show target inputs` does.
 */
export function isFileDeclared(model: InputModel, inputs: TaskInputs, file: string): boolean {
  const owner = projectOwning(model, file);
  return inputs.filesets.some(({ project, patterns }) => {
    const applies = (pattern: ProjectFileset['patterns'][number]) => (!pattern.ownFiles || owner === project) && matches(pattern.glob, file);
    return patterns.some((pattern) => !pattern.negated && applies(pattern)) && !patterns.some((pattern) => pattern.negated && applies(pattern));
  });
}
