/**
 * Every problem the plugin reports to a person says what is wrong and what
 * to do, after the file to fix where there is one (`file: reason`), as the
 * model's CargoModelError does. Each part of the plugin has its own
 * subclass, so callers tell them apart with `instanceof`.
 */
export class NxCargoError extends Error {
  constructor(
    readonly reason: string,
    readonly file?: string,
  ) {
    super(file === undefined ? reason : `${file}: ${reason}`);
    this.name = new.target.name;
  }
}
