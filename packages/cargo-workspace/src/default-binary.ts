import type { CargoPackage } from './repository.js';

/** The binary `cargo run -p <package>` runs: `default-run`, the only binary, or the one named like the package; '' when cargo must be told; undefined without binaries. */
export function defaultBinary(pkg: CargoPackage): string | undefined {
  const bins = pkg.targets.filter((target) => target.kind.includes('bin')).map((target) => target.name);
  if (bins.length === 0) return undefined;
  const defaultRun = pkg.fields['default-run'];
  if (typeof defaultRun === 'string') return defaultRun;
  if (bins.length === 1) return bins[0];
  return bins.includes(pkg.name) ? pkg.name : '';
}
