/**
 * The dep-info file of a compiled unit, from the name of one of its
 * artifacts in cargo's `filenames`: `deps/libfoo-<hash>.rlib` and
 * `deps/foo-<hash>` sit beside `deps/foo-<hash>.d`. `crateName` is the
 * target name with `-` as `_` (`build_script_build` for a build script).
 * Returns undefined for an uplifted copy (`target/debug/foo`), whose name
 * carries no hash: see `upliftedCandidates`.
 */
export function depInfoBesideArtifact(artifact: string, crateName: string): string | undefined {
  const slash = artifact.lastIndexOf('/');
  const dir = artifact.slice(0, slash + 1);
  const stem = hashedStem(artifact.slice(slash + 1), crateName);
  return stem === undefined ? undefined : `${dir}${stem}.d`;
}

/** `foo-<hash>` when `file` is `foo-<hash>`, `libfoo-<hash>.rlib` and the like; else undefined. */
export function hashedStem(file: string, crateName: string): string | undefined {
  for (const prefix of ['', 'lib']) {
    const rest = file.startsWith(prefix + crateName + '-') ? file.slice(prefix.length + crateName.length + 1) : undefined;
    if (rest === undefined) continue;
    const match = /^([0-9a-f]+)(\.[A-Za-z0-9_.]+)?$/.exec(rest);
    if (match && match[2] !== '.d') return `${crateName}-${match[1]}`;
  }
  return undefined;
}

/**
 * Folders where the hashed original of an uplifted artifact may lie: cargo
 * copies (hard-links) `target/<profile>/deps/foo-<hash>` to
 * `target/<profile>/foo`, and `build/<pkg>-<hash>/build_script_build-<hash>`
 * to `build-script-build` in the same folder. The caller picks the candidate
 * that is the same file (same inode).
 */
export function upliftedCandidates(artifact: string): string[] {
  const slash = artifact.lastIndexOf('/');
  const dir = artifact.slice(0, slash);
  return [dir, `${dir}/deps`];
}
