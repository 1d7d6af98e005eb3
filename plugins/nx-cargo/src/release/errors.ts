/** A release configuration Cargo cannot follow; names the file to fix (nx.json) and why. */
export class ReleaseConfigError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = new.target.name;
  }
}
