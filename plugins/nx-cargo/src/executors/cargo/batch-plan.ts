import type { CargoExecutorOptions } from './schema.js';

export interface PlannedTask {
  id: string;
  options: CargoExecutorOptions;
}

/** Tasks that one cargo process can serve, or one task that runs by itself. */
export type BatchStep = { together: PlannedTask[] } | { alone: PlannedTask };

/** Commands whose work cargo can share across packages in one process. */
const SHAREABLE = new Set<CargoExecutorOptions['command']>(['build', 'check', 'clippy', 'doc', 'test']);

/**
 * Groups tasks that differ only in their package (same command, folder,
 * profile, target, arguments). Tasks that choose features run alone: cargo
 * would apply them to every selected package. fmt and run always run alone.
 */
export function planBatch(tasks: readonly PlannedTask[]): BatchStep[] {
  const groups = new Map<string, PlannedTask[]>();
  const steps: BatchStep[] = [];
  for (const task of tasks) {
    const { options } = task;
    const choosesFeatures = options.features !== undefined || options.allFeatures || options.noDefaultFeatures;
    if (!SHAREABLE.has(options.command) || choosesFeatures) {
      steps.push({ alone: task });
      continue;
    }
    const key = invocationKey(options);
    const group = groups.get(key) ?? [];
    groups.set(key, [...group, task]);
  }
  for (const group of groups.values()) steps.unshift(group.length === 1 ? { alone: group[0] } : { together: group });
  return steps;
}

/** Everything about a cargo invocation but the package (and profileDir and junitFile, which only name outputs). */
function invocationKey(options: CargoExecutorOptions): string {
  const { package: _package, profileDir: _profileDir, junitFile: _junitFile, ...rest } = options;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
}
