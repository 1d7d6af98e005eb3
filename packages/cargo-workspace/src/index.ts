export * from './errors.js';
export * from './file-system.js';
export { nodeFileSystem } from './node-file-system.js';
export type { CargoDependency, DependencyKind } from './dependencies.js';
export type { CargoTarget } from './targets.js';
export { loadCargoRepository, type CargoPackage, type CargoRepository, type CargoWorkspace } from './repository.js';
export { parseLockfile, externalClosure, closureDigest, lockPackageHash, lockPackageId, resolveLockDependencies, type Lockfile, type LockPackage } from './lockfile.js';
export { isExcludedFromWorkspace, isListedMember } from './member-globs.js';
export { isTable, parseToml, stringList, type TomlTable } from './toml.js';
