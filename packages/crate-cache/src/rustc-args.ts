/** One rustc option as given: `flag` in its canonical long or short form, `value` when it takes one. */
export interface RustcOption {
  flag: string;
  value?: string;
}

/** A compile the cache can key: the argv taken apart. */
export interface RustcCompile {
  crateName: string;
  crateTypes: string[];
  emit: string[];
  outDir: string;
  extraFilename: string;
  input: string;
  options: RustcOption[];
}

export type RustcCall = { cacheable: true; compile: RustcCompile } | { cacheable: false; reason: string };

/** Options whose value is the next token when not given as `--flag=value`. */
const LONG_WITH_VALUE = new Set([
  '--cfg', '--check-cfg', '--crate-type', '--crate-name', '--edition', '--emit', '--print', '--out-dir',
  '--explain', '--target', '--cap-lints', '--codegen', '--extern', '--sysroot', '--error-format', '--json',
  '--color', '--diagnostic-width', '--remap-path-prefix', '--allow', '--warn', '--deny', '--forbid',
  '--force-warn', '--env-set', '-o',
]);
const SHORT_WITH_VALUE = new Set(['-C', '-L', '-l', '-A', '-W', '-D', '-F', '-Z', '-o']);
const SHORT_TO_LONG: Record<string, string> = { '-C': '--codegen', '-A': '--allow', '-W': '--warn', '-D': '--deny', '-F': '--forbid' };
/** Calls that ask rustc something instead of compiling: cargo's probes. */
const PROBES = new Set(['-V', '--version', '-vV', '--print', '--explain', '-h', '--help']);

/** Splits argv into options and the input file, canonicalizing `-Cx=y`/`-C x=y`/`--codegen=x=y`. */
export function parseRustcArgs(args: string[]): { options: RustcOption[]; inputs: string[] } {
  const options: RustcOption[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) options.push({ flag, value: arg.slice(eq + 1) });
      else if (LONG_WITH_VALUE.has(flag) && i + 1 < args.length) options.push({ flag, value: args[++i] });
      else options.push({ flag });
    } else if (arg.length >= 2 && arg[0] === '-' && SHORT_WITH_VALUE.has(arg.slice(0, 2))) {
      const short = arg.slice(0, 2);
      const value = arg.length > 2 ? arg.slice(2) : args[++i];
      options.push({ flag: SHORT_TO_LONG[short] ?? short, value });
    } else if (arg.startsWith('-') && arg !== '-') {
      options.push({ flag: arg });
    } else {
      inputs.push(arg);
    }
  }
  return { options, inputs };
}

/**
 * Decides whether a call can be keyed with certainty. Anything unusual
 * passes through to rustc with the reason, rather than risking a wrong key.
 */
export function classifyRustcArgs(args: string[]): RustcCall {
  const probe = args.find((arg) => PROBES.has(arg) || arg.startsWith('--print='));
  if (probe) return { cacheable: false, reason: `probe (${probe})` };
  if (args.some((arg) => arg.startsWith('@'))) return { cacheable: false, reason: 'argument file' };
  const { options, inputs } = parseRustcArgs(args);
  const values = (flag: string) => options.filter((o) => o.flag === flag).map((o) => o.value ?? '');
  const crateName = values('--crate-name')[0];
  if (!crateName) return { cacheable: false, reason: 'no --crate-name' };
  if (inputs.length !== 1 || inputs[0] === '-') return { cacheable: false, reason: `input is not one source file (${inputs.join(' ') || 'none'})` };
  if (values('-o').length > 0) return { cacheable: false, reason: '-o names the output' };
  const outDir = values('--out-dir')[0];
  if (!outDir) return { cacheable: false, reason: 'no --out-dir' };
  const emit = values('--emit').flatMap((list) => list.split(','));
  if (emit.some((kind) => kind.includes('='))) return { cacheable: false, reason: '--emit names an output path' };
  if (!emit.includes('dep-info')) return { cacheable: false, reason: 'no dep-info requested' };
  const extraFilename = codegenValue(options, 'extra-filename');
  if (extraFilename === undefined) return { cacheable: false, reason: 'no -C extra-filename: outputs not attributable' };
  const crateTypes = values('--crate-type').flatMap((list) => list.split(','));
  return {
    cacheable: true,
    compile: { crateName, crateTypes: crateTypes.length > 0 ? crateTypes : ['bin'], emit: [...emit].sort(), outDir, extraFilename, input: inputs[0], options },
  };
}

/** The value of `-C <name>=<value>`, the last one winning as in rustc. */
export function codegenValue(options: RustcOption[], name: string): string | undefined {
  let found: string | undefined;
  for (const o of options) {
    if (o.flag !== '--codegen' || o.value === undefined) continue;
    const [key, ...rest] = o.value.split('=');
    if (key === name) found = rest.join('=');
  }
  return found;
}

/** Crate types whose output is linked by the system linker against the C library. */
export function isLinked(compile: RustcCompile): boolean {
  const linked = compile.options.some((o) => o.flag === '--test') || compile.crateTypes.some((t) => ['bin', 'dylib', 'cdylib', 'proc-macro'].includes(t));
  return linked && compile.emit.includes('link');
}

/** Outputs loaded by the compiler or run: restored as private copies, never hardlinks. */
export function isExecutableOutput(compile: RustcCompile): boolean {
  return compile.options.some((o) => o.flag === '--test') || compile.crateTypes.some((t) => ['bin', 'proc-macro', 'dylib', 'cdylib'].includes(t));
}

/**
 * The argv for a cached compile: no incremental state (its output must be a
 * function of the key alone) and roots remapped so artifacts are portable.
 * rustc applies the last matching remap, so the longest prefix goes last.
 */
export function compileArgs(args: string[], remaps: Array<[string, string]>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if ((arg === '-C' || arg === '--codegen') && args[i + 1]?.startsWith('incremental=')) {
      i++;
      continue;
    }
    if (/^(-C|--codegen=)incremental=/.test(arg)) continue;
    out.push(arg);
  }
  const shortestFirst = [...remaps].sort((a, b) => a[0].length - b[0].length);
  return [...out, ...shortestFirst.map(([from, to]) => `--remap-path-prefix=${from}=${to}`)];
}
