import type { DirEntry, FileSystem } from './file-system.js';
import { ManifestError } from './errors.js';
import { RESERVED_BIN_NAMES } from './package-name.js';
import { dirOf, joinPath } from './paths.js';
import { isTable, kebabOrSnake, stringList, type TomlTable } from './toml.js';

/*
 * Cargo's target discovery (cargo 1.95, src/cargo/util/toml/targets.rs),
 * modelled without running cargo: explicit [lib], [[bin]], [[example]],
 * [[test]] and [[bench]] tables are merged with the files cargo infers from
 * src/lib.rs, src/main.rs, src/bin/, examples/, tests/ and benches/.
 */

export type TargetKind =
  | 'lib'
  | 'rlib'
  | 'dylib'
  | 'cdylib'
  | 'staticlib'
  | 'proc-macro'
  | 'bin'
  | 'example'
  | 'test'
  | 'bench'
  | 'custom-build';

export interface CargoTarget {
  name: string;
  /** As `cargo metadata` reports it: the crate types for a library, else one of bin/example/test/bench/custom-build. */
  kind: string[];
  /** `cargo metadata`'s crate_types. */
  crateTypes: string[];
  /** Repository-relative, forward slashes, normalized. */
  srcPath: string;
  edition: string;
  requiredFeatures: string[];
}

export interface TargetDiscoveryInput {
  fs: FileSystem;
  /** Repository-relative path of the Cargo.toml, named in errors. */
  manifestFile: string;
  /** Repository-relative folder of the package. */
  packageRoot: string;
  packageName: string;
  /** The package's resolved edition ("2015" when unset). */
  edition: string;
  /** The parsed TOML of the manifest. */
  manifest: Record<string, unknown>;
}

const EDITIONS = ['2015', '2018', '2021', '2024'];


interface Section {
  key: 'bin' | 'example' | 'test' | 'bench';
  /** Cargo's word for the kind in messages. */
  human: string;
  auto: 'autobins' | 'autoexamples' | 'autotests' | 'autobenches';
  /** Package-relative folder whose files become targets. */
  dir: string;
  /** Where people wrongly put targets; cargo names it in its hint. */
  wrongDir: string;
}

const SECTIONS: Section[] = [
  { key: 'bin', human: 'binary', auto: 'autobins', dir: 'src/bin', wrongDir: 'src/bins' },
  { key: 'example', human: 'example', auto: 'autoexamples', dir: 'examples', wrongDir: 'example' },
  { key: 'test', human: 'test', auto: 'autotests', dir: 'tests', wrongDir: 'test' },
  { key: 'bench', human: 'benchmark', auto: 'autobenches', dir: 'benches', wrongDir: 'bench' },
];

/** A target as written in the manifest or inferred from a file; paths are package-relative. */
interface Spec {
  name?: string;
  path?: string;
  table: TomlTable;
}

export function discoverTargets(input: TargetDiscoveryInput): CargoTarget[] {
  return new Discovery(input).run();
}

class Discovery {
  private readonly pkg: TomlTable;
  private readonly listings = new Map<string, DirEntry[]>();

  constructor(private readonly input: TargetDiscoveryInput) {
    const { package: pkg, project } = input.manifest;
    this.pkg = isTable(pkg) ? pkg : isTable(project) ? project : {};
  }

  run(): CargoTarget[] {
    const lib = this.lib();
    const targets = lib ? [lib] : [];
    for (const section of SECTIONS) targets.push(...this.section(section, lib !== undefined));
    const build = this.buildScript();
    if (build) targets.push(build);
    if (targets.every((target) => target.kind[0] === 'custom-build')) {
      this.fail(
        'no targets specified in the manifest\neither src/lib.rs, src/main.rs, a [lib] section, or [[bin]] section must be present',
      );
    }
    return targets;
  }

  private lib(): CargoTarget | undefined {
    const raw = this.input.manifest.lib;
    if (raw !== undefined && !isTable(raw)) this.fail('`lib` must be a table: write it as [lib]');
    const inferred = this.exists('src/lib.rs') ? 'src/lib.rs' : undefined;
    // autolib = false only stops inference; an explicit [lib] still counts.
    if (!raw && (this.pkg.autolib === false || !inferred)) return undefined;
    const table = raw ?? {};
    const name = this.string(table, 'name', 'lib') ?? this.input.packageName.replace(/-/g, '_');
    if (name.trim() === '') this.fail('library target names cannot be empty');
    if (name.includes('-')) {
      this.fail(`library target names cannot contain hyphens: ${name}; use \`_\` in [lib] name`);
    }
    this.rejectUnderscoreKeys(table, name, 'library');
    const path = this.string(table, 'path', 'lib') ?? inferred ?? this.legacyLibPath(name);

    const declared = this.crateTypes(table, 'lib');
    if (declared?.includes('dylib') && declared.includes('cdylib')) {
      this.fail(`library \`${name}\` cannot set the crate type of both \`dylib\` and \`cdylib\``);
    }
    if (declared?.includes('proc-macro') && declared.length > 1) {
      this.fail('cannot mix `proc-macro` crate type with others: use `proc-macro = true` alone');
    }
    const crateTypes = declared ?? [kebabOrSnake(table, 'proc-macro') === true ? 'proc-macro' : 'lib'];
    return this.target(name, crateTypes, crateTypes, path, table);
  }

  /** Edition 2015 still accepts a library at src/<name>.rs. */
  private legacyLibPath(name: string): string {
    const legacy = `src/${name}.rs`;
    if (this.input.edition === '2015' && this.exists(legacy)) return legacy;
    return this.fail(`can't find library \`${name}\`, rename file to \`src/lib.rs\` or specify lib.path`);
  }

  private section(section: Section, hasLib: boolean): CargoTarget[] {
    const explicit = this.explicitSpecs(section);
    const autodiscover = this.pkg[section.auto];
    const inferred = memo(() => this.inferred(section));

    let specs: Spec[];
    if (explicit === undefined) {
      specs = autodiscover === false ? [] : [...inferred()];
    } else if (autodiscover ?? this.input.edition !== '2015') {
      // Inferred targets join the explicit ones unless one of those already
      // claims their name or their file.
      const names = new Set(explicit.map((spec) => spec.name));
      const paths = new Set(explicit.map((spec) => spec.path !== undefined && pathKey(spec.path)));
      const unclaimed = inferred().filter((spec) => !names.has(spec.name) && !paths.has(pathKey(spec.path!)));
      specs = [...explicit, ...unclaimed];
    } else {
      // Edition 2015 without an auto* flag: any explicit table switches inference off.
      specs = explicit;
    }
    // Cargo sorts by name so that the order does not depend on the directory listing.
    specs.sort((a, b) => compare(a.name ?? '', b.name ?? ''));

    const targets = specs.map((spec) => {
      const name = this.validName(spec, section);
      this.rejectUnderscoreKeys(spec.table, name, section.human);
      const path = spec.path ?? this.inferredPath(name, section, inferred(), hasLib);
      const [kind, crateTypes] = this.kindOf(section, spec.table);
      // Cargo has no snake_case alias for required-features: `required_features` is ignored.
      const requiredFeatures = stringList(spec.table['required-features']);
      return this.target(name, kind, crateTypes, path, spec.table, requiredFeatures);
    });

    const seen = new Set<string>();
    for (const { name } of targets) {
      if (seen.has(name)) {
        const kind = section.key === 'bin' ? section.human : section.key;
        this.fail(`found duplicate ${kind} name ${name}, but all ${kind} targets must have a unique name`);
      }
      seen.add(name);
    }
    return targets;
  }

  private explicitSpecs(section: Section): Spec[] | undefined {
    const raw = this.input.manifest[section.key];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || !raw.every(isTable)) {
      this.fail(`\`${section.key}\` must be an array of tables: write each one as [[${section.key}]]`);
    }
    return raw.map((table) => ({
      name: this.string(table, 'name', section.key),
      path: this.string(table, 'path', section.key),
      table,
    }));
  }

  private validName(spec: Spec, section: Section): string {
    const { name } = spec;
    if (name === undefined) {
      this.fail(`${section.human} target ${section.key}.name is required: add \`name = "..."\` to each [[${section.key}]]`);
    }
    if (name.trim() === '') this.fail(`${section.human} target names cannot be empty`);
    if (section.key === 'bin' && RESERVED_BIN_NAMES.has(name)) {
      this.fail(`the binary target name \`${name}\` is forbidden, it conflicts with cargo's build directory names`);
    }
    return name;
  }

  private kindOf(section: Section, table: TomlTable): [string[], string[]] {
    if (section.key !== 'example') return [[section.key], ['bin']];
    // An example is a library only when it asks for a non-bin crate type.
    const types = this.crateTypes(table, 'example') ?? [];
    return [['example'], types.every((type) => type === 'bin') ? ['bin'] : types];
  }

  /** The file of an explicit target without `path`, found by its name among the inferred ones. */
  private inferredPath(name: string, section: Section, inferred: Spec[], hasLib: boolean): string {
    const matches = inferred.filter((spec) => spec.name === name).map((spec) => spec.path!);
    if (matches.length === 1) return matches[0];
    const legacy = this.input.edition === '2015' ? this.legacyPath(name, section, hasLib) : undefined;
    if (legacy) return legacy;
    if (matches.length > 1) {
      this.fail(
        `cannot infer path for \`${name}\` ${section.key}\nCargo doesn't know which to use because multiple target files found at ` +
          `${matches.map((path) => `\`${path}\``).join(' and ')}: specify ${section.key}.path`,
      );
    }
    const expected = [`${section.dir}/${name}.rs`, `${section.dir}/${name}/main.rs`];
    const misplaced = [`${section.wrongDir}/${name}.rs`, `${section.wrongDir}/${name}/main.rs`];
    const wrong = misplaced.findIndex((path) => this.exists(path));
    if (wrong >= 0) {
      this.fail(
        `can't find \`${name}\` ${section.key} at default paths, but found a file at \`${misplaced[wrong]}\`.\n` +
          `Perhaps rename the file to \`${expected[wrong]}\` for target auto-discovery, or specify ${section.key}.path if you want to use a non-default path.`,
      );
    }
    return this.fail(
      `can't find \`${name}\` ${section.key} at \`${expected[0]}\` or \`${expected[1]}\`. ` +
        `Please specify ${section.key}.path if you want to use a non-default path.`,
    );
  }

  /** Files that edition 2015 still accepts for a named target that has no file of its own. */
  private legacyPath(name: string, section: Section, hasLib: boolean): string | undefined {
    const candidates =
      section.key === 'bin'
        ? [...(hasLib ? [] : [`src/${name}.rs`]), 'src/main.rs', 'src/bin/main.rs']
        : section.key === 'bench' && name === 'bench'
          ? ['src/bench.rs']
          : [];
    return candidates.find((path) => this.exists(path));
  }

  private inferred(section: Section): Spec[] {
    const specs: Spec[] = [];
    if (section.key === 'bin' && this.exists('src/main.rs')) {
      specs.push({ name: this.input.packageName, path: 'src/main.rs', table: {} });
    }
    for (const entry of this.list(section.dir)) {
      if (entry.name.startsWith('.')) continue;
      const path = `${section.dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (this.exists(`${path}/main.rs`)) specs.push({ name: entry.name, path: `${path}/main.rs`, table: {} });
      } else if (entry.name.endsWith('.rs')) {
        specs.push({ name: entry.name.slice(0, -'.rs'.length), path, table: {} });
      }
    }
    return specs;
  }

  private buildScript(): CargoTarget | undefined {
    const build = this.pkg.build;
    let path: string;
    if (build === undefined) {
      // Only a file counts: a folder named build.rs is not a build script.
      const entry = this.list('').find((candidate) => candidate.name === 'build.rs');
      if (!entry || entry.isDirectory) return undefined;
      path = 'build.rs';
    } else if (build === false) {
      return undefined;
    } else if (build === true) {
      path = 'build.rs';
    } else if (typeof build === 'string') {
      path = build;
    } else if (Array.isArray(build)) {
      return this.fail('`package.build` as a list needs the unstable cargo feature `multiple-build-scripts`: name one script');
    } else {
      return this.fail('`package.build` must be a path or a boolean');
    }
    const base = baseName(this.srcPath(path));
    const dot = base.lastIndexOf('.');
    // Named after the file stem, as cargo does: tools/gen.rs -> build-script-gen.
    const name = `build-script-${dot > 0 ? base.slice(0, dot) : base}`;
    return this.target(name, ['custom-build'], ['bin'], path, {});
  }

  private target(
    name: string,
    kind: string[],
    crateTypes: string[],
    path: string,
    table: TomlTable,
    requiredFeatures: string[] = [],
  ): CargoTarget {
    const own = this.string(table, 'edition', name);
    if (own !== undefined && !EDITIONS.includes(own)) {
      this.fail(
        `failed to parse the \`edition\` key of target \`${name}\`: supported edition values are ` +
          `\`2015\`, \`2018\`, \`2021\`, or \`2024\`, but \`${own}\` is unknown`,
      );
    }
    const edition = own ?? this.input.edition;
    return { name, kind, crateTypes, srcPath: this.srcPath(path), edition, requiredFeatures };
  }

  private srcPath(path: string): string {
    if (path.startsWith('/')) {
      this.fail(`target path \`${path}\` is absolute: make it relative to the package so it stays inside the repository`);
    }
    return joinPath(this.input.packageRoot, path);
  }

  private crateTypes(table: TomlTable, owner: string): string[] | undefined {
    const value = kebabOrSnake(table, 'crate-type');
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(`\`crate-type\` of ${owner} target must be an array of strings`);
    }
    return value;
  }

  /** Edition 2024 drops the snake_case spellings cargo accepted before. */
  private rejectUnderscoreKeys(table: TomlTable, name: string, human: string): void {
    if (Number(this.input.edition) < 2024) return;
    for (const key of ['crate_type', 'proc_macro']) {
      if (table[key] !== undefined) {
        const kebab = key.replace('_', '-');
        this.fail(`\`${key}\` is unsupported as of the 2024 edition; instead use \`${kebab}\`\n(in the \`${name}\` ${human} target)`);
      }
    }
  }

  private string(table: TomlTable, key: string, owner: string): string | undefined {
    const value = table[key];
    if (value !== undefined && typeof value !== 'string') this.fail(`\`${key}\` of ${owner} target must be a string`);
    return value;
  }

  /** Entries of a package-relative folder; a folder its parent does not list is never read. */
  private list(dir: string): DirEntry[] {
    let entries = this.listings.get(dir);
    if (!entries) {
      // By name only: a symlinked folder is not a directory entry but cargo follows it.
      const present = dir === '' || this.exists(dir);
      entries = present ? this.input.fs.readDir(joinPath(this.input.packageRoot, dir)) : [];
      this.listings.set(dir, entries);
    }
    return entries;
  }

  /** Like Rust's Path::exists: a file or a folder of that name. */
  private exists(path: string): boolean {
    return this.list(dirOf(path)).some((entry) => entry.name === baseName(path));
  }

  private fail(reason: string): never {
    throw new ManifestError({ file: this.input.manifestFile }, reason);
  }
}

/**
 * How cargo compares an explicit path with an inferred one: as path
 * components, so `./src/bin/a.rs` matches `src/bin/a.rs` but `..` is kept and
 * `src/../src/bin/a.rs` does not.
 */
function pathKey(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function memo<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}
