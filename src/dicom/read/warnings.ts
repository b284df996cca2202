/** Collects warnings, once each, in the order found: a file with 500 odd-length values gets one line, not 500. */
export class Warnings {
  readonly list: string[] = [];
  private readonly kinds = new Set<string>();
  /** Adds `message` unless one of the same `kind` (by default the same text) is already there. */
  add(message: string, kind = message): void {
    if (this.kinds.has(kind)) return;
    this.kinds.add(kind);
    this.list.push(message);
  }
}
