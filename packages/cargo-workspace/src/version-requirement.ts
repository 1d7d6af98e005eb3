const SINGLE_VERSION = /^\s*([\^~=]?)\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$/;

/**
 * The requirement `req` moved to `version`, keeping its operator: `0.1` ->
 * `0.2.0`, `^0.1.0` -> `^0.2.0`, `=0.1.0` -> `=0.2.0`, `~0.1` -> `~0.2.0`.
 * Undefined for anything else (`>=`, `<`, `*`, `0.1.*`, comma lists): what
 * such a requirement should become is the author's call.
 */
export function moveRequirement(req: string, version: string): string | undefined {
  const match = SINGLE_VERSION.exec(req);
  return match ? `${match[1]}${version}` : undefined;
}

/** Whether `req` is a single caret, tilde or exact version: one that moveRequirement moves. */
export function isSingleVersionRequirement(req: string): boolean {
  return SINGLE_VERSION.test(req);
}
