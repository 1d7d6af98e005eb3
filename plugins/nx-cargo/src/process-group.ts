import type { ResultPromise } from 'execa';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Spawns a command (argv array, no shell) in a process group of its own, so that
 * stopping it stops rustc, build scripts and test binaries too: on SIGINT,
 * SIGTERM or SIGHUP to this process, or when it exits, the whole group gets
 * the signal, then SIGKILL if it is still there two seconds later. `env`
 * replaces the environment; Node leaves out its unset (undefined) entries.
 */
export async function spawnProcessGroup(
  command: string,
  args: string[],
  options: { cwd: string; stdout: 'inherit' | 'pipe'; stderr: 'inherit' | 'pipe'; env?: NodeJS.ProcessEnv },
): Promise<{ child: ResultPromise }> {
  // execa is ESM-only: a dynamic import keeps this CommonJS module free of require(esm).
  const { execa } = await import('execa');
  const child = execa(command, args, { cwd: options.cwd, env: options.env, stdout: options.stdout, stderr: options.stderr, stdin: 'ignore', reject: false, detached: true, cleanup: false });
  const stopGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, signal);
      setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 2000).unref();
    } catch {
      // Already gone.
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopGroup(signal);
    // Leave as a process killed by that signal would, once the group is told.
    process.exitCode = 130;
    setTimeout(() => process.exit(), 100).unref();
  };
  const onExit = () => stopGroup('SIGKILL');
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
  const detach = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
  child.then(detach, detach);
  return { child };
}

/** True when the spawn failed because the command is not installed. */
export function isMissingCommand(result: { code?: string }): boolean {
  return result.code === 'ENOENT';
}
