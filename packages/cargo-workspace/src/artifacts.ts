import type { CargoTarget } from './targets.js';

/*
 * The file names cargo gives a package's final artifacts in the profile
 * folder (target/[<triple>/]<profile>/), per target platform: cargo 1.95's
 * TargetInfo::file_types and its uplifting of debug info. Only what lands
 * there for binaries and for cdylib, dylib and staticlib libraries.
 */

/** How a platform names artifacts; everything cargo does differently is one of these. */
export type ArtifactFamily = 'unix' | 'apple' | 'windows-msvc' | 'windows-gnu' | 'wasm' | 'emscripten';

/** The naming family of a target triple (`x86_64-pc-windows-msvc`, `aarch64-apple-darwin`, ...). */
export function artifactFamily(triple: string): ArtifactFamily {
  if (triple.includes('-emscripten')) return 'emscripten';
  if (triple.startsWith('wasm32') || triple.startsWith('wasm64')) return 'wasm';
  if (triple.includes('-windows-')) return triple.endsWith('-gnu') || triple.endsWith('-gnullvm') ? 'windows-gnu' : 'windows-msvc';
  if (triple.includes('-apple-')) return 'apple';
  return 'unix';
}

/**
 * The family of the machine building, when no triple is given: rustup's
 * default host toolchains (msvc on Windows).
 */
export function hostArtifactFamily(platform: NodeJS.Platform): ArtifactFamily {
  if (platform === 'win32') return 'windows-msvc';
  if (platform === 'darwin') return 'apple';
  return 'unix';
}

/** The files a target leaves in the profile folder for `family`; empty for targets with no final artifact (rlib, proc-macro, tests). */
export function artifactFileNames(target: CargoTarget, family: ArtifactFamily): string[] {
  const files: string[] = [];
  if (target.kind.includes('bin')) files.push(...binaryFiles(target.name, family));
  // Libraries' files carry the crate name (hyphens become underscores), binaries keep theirs.
  const crate = target.name.replace(/-/g, '_');
  if (target.crateTypes.includes('cdylib') || target.crateTypes.includes('dylib')) files.push(...dynamicLibraryFiles(crate, family));
  if (target.crateTypes.includes('staticlib')) files.push(staticLibraryFile(crate, family));
  return [...new Set(files)];
}

/** Debug info that cargo uplifts beside an executable: a `.pdb` (named after the crate) with MSVC, a `.dSYM` folder on Apple platforms. */
function binaryFiles(name: string, family: ArtifactFamily): string[] {
  switch (family) {
    case 'windows-msvc':
      return [`${name}.exe`, `${name.replace(/-/g, '_')}.pdb`];
    case 'windows-gnu':
      return [`${name}.exe`];
    case 'apple':
      return [name, `${name}.dSYM`];
    case 'wasm':
      return [`${name}.wasm`];
    case 'emscripten':
      // The .js loader keeps the binary's name; the .wasm it loads has the crate's.
      return [`${name}.js`, `${name.replace(/-/g, '_')}.wasm`];
    default:
      return [name];
  }
}

/** Import libraries (.dll.lib with MSVC, lib*.dll.a with GNU) and debug info come with a Windows DLL. */
function dynamicLibraryFiles(crate: string, family: ArtifactFamily): string[] {
  switch (family) {
    case 'windows-msvc':
      return [`${crate}.dll`, `${crate}.dll.lib`, `${crate}.pdb`];
    case 'windows-gnu':
      return [`${crate}.dll`, `lib${crate}.dll.a`];
    case 'apple':
      return [`lib${crate}.dylib`, `lib${crate}.dylib.dSYM`];
    case 'wasm':
    case 'emscripten':
      return [`${crate}.wasm`];
    default:
      return [`lib${crate}.so`];
  }
}

function staticLibraryFile(crate: string, family: ArtifactFamily): string {
  return family === 'windows-msvc' ? `${crate}.lib` : `lib${crate}.a`;
}
