let runtime: string | null | undefined;

/**
 * glibc's version when this process runs on glibc (Node's report names it),
 * else undefined (musl, macOS, Windows). Asked once per process: a report
 * costs milliseconds.
 */
export function glibcVersion(): string | undefined {
  runtime ??= (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime ?? null;
  return runtime ?? undefined;
}
