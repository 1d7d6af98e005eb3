import { argList } from './cargo-args.js';
import type { CargoExecutorOptions } from './schema.js';

/** The cargo profile a task builds with: `--profile`/`--release` in args win over the options, as on cargo's command line. */
export function profileOf(options: Pick<CargoExecutorOptions, 'release' | 'profile' | 'args'>): string {
  const args = argList(options.args);
  const named = args.indexOf('--profile');
  if (named !== -1 && args[named + 1]) return args[named + 1];
  const inline = args.find((arg) => arg.startsWith('--profile='));
  if (inline) return inline.slice('--profile='.length);
  if (args.includes('--release') || args.includes('-r')) return 'release';
  return options.profile ?? (options.release ? 'release' : 'dev');
}

/**
 * A task's hash covers the profiles its target names in its inputs, and
 * only those. `-c release` on a target without that configuration is
 * refused too: Nx would silently build the dev profile. Switching profile from the command line (`--release`,
 * `--profile`) would build with a profile the
 * hash does not cover, and a later change to it would be served stale.
 * Returns why the task must not run, or undefined.
 */
export function profileSwitchProblem(
  task: string,
  configured: Partial<CargoExecutorOptions> | undefined,
  effective: CargoExecutorOptions,
  configuration: { name?: string; known: readonly string[] },
): string | undefined {
  // Any other unknown configuration (`-c production` across a mixed run-many) leaves the profile alone, as Nx does.
  if (configuration.name === 'release' && !configuration.known.includes('release')) {
    return `${task} has no configuration "${configuration.name}"; release builds are targets of their own (build-release, test-release), so that their hashes cover [profile.release].`;
  }
  const wanted = profileOf(effective);
  const declared = profileOf({ release: configured?.release, profile: configured?.profile, args: configured?.args });
  if (wanted === declared) return undefined;
  return `${task} is keyed by the "${declared}" profile but was asked to build "${wanted}": its cache could serve a stale result after a change to [profile.${wanted}]. Run build-release/test-release for release, or declare a target with that profile in project.json.`;
}

/** The guard for one task as Nx describes it: cached targets only (an uncached `run` may switch freely). */
export function taskProfileProblem(
  target: { project: string; target: string; configuration?: string },
  projects: Record<string, { targets?: Record<string, { cache?: boolean; options?: unknown; configurations?: Record<string, unknown> }> }> | undefined,
  effective: CargoExecutorOptions,
): string | undefined {
  const config = projects?.[target.project]?.targets?.[target.target];
  if (!config || config.cache === false) return undefined;
  const configurations = config.configurations ?? {};
  const chosen = target.configuration ? (configurations[target.configuration] as Partial<CargoExecutorOptions> | undefined) : undefined;
  const declared = { ...(config.options as Partial<CargoExecutorOptions> | undefined), ...chosen };
  return profileSwitchProblem(`${target.project}:${target.target}`, declared, effective, { name: target.configuration, known: Object.keys(configurations) });
}
