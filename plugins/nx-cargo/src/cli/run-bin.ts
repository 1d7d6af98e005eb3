import { CliError } from './cli-error.js';

/** What a CLI's bin does with its `run(argv, env, cwd)`: the exit code it returns, or its error printed after the tool's name. */
export function runBin(tool: string, run: (argv: string[], env: NodeJS.ProcessEnv, cwd: string) => Promise<number>): void {
  run(process.argv.slice(2), process.env, process.cwd()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const known = error instanceof CliError;
      const text = known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${tool}: ${text}\n`);
      process.exitCode = known ? error.exitCode : 2;
    },
  );
}
