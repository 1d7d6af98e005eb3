/** What a build script's recorded stdout (`target/<profile>/build/<pkg>-<hash>/output`) tells cargo to watch and set. */
export interface BuildScriptOutput {
  /** `rerun-if-changed` paths as printed: relative to the package folder, or absolute. */
  rerunIfChanged: string[];
  /** `rerun-if-env-changed` variable names. */
  rerunIfEnvChanged: string[];
  /** Names of variables the script sets for rustc (`rustc-env=NAME=value`). */
  rustcEnv: string[];
}

/**
 * Parses build-script instructions in both forms: `cargo:KEY=VALUE` and
 * (cargo 1.77+) `cargo::KEY=VALUE`. Other lines are the script's own output.
 */
export function parseBuildScriptOutput(text: string): BuildScriptOutput {
  const output: BuildScriptOutput = { rerunIfChanged: [], rerunIfEnvChanged: [], rustcEnv: [] };
  for (const line of text.split(/\r?\n/)) {
    const match = /^cargo::?([A-Za-z0-9_-]+)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match;
    if (key === 'rerun-if-changed' && value) output.rerunIfChanged.push(value);
    else if (key === 'rerun-if-env-changed' && value) output.rerunIfEnvChanged.push(value.trim());
    else if (key === 'rustc-env') {
      const equals = value.indexOf('=');
      if (equals > 0) output.rustcEnv.push(value.slice(0, equals));
    }
  }
  return output;
}
