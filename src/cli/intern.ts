import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Keeps one copy of each repeated string in what the workers send back. Every reply arrives as a
 * fresh structured clone, so the 600 slices of a series would each bring their own copy of the
 * same patient name, study and series UIDs, and the same few dozen identity strings: about 6 KB
 * a file on the main thread, 600 MB for 100,000 files. Interned, a file costs only what differs
 * (its SOP Instance UID, its numbers), and memory stays bounded by the largest series, not the
 * whole input.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  /** The one kept copy of `s`. */
  string(s: string): string {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept;
    this.strings.set(s, s);
    return s;
  }

  /** The one kept copy of a list of strings (equal lists share one array; do not mutate it). */
  list(a: readonly string[]): string[] {
    // JSON, not a join: no separator could be told apart from the same character inside a string.
    const key = JSON.stringify(a);
    const kept = this.lists.get(key);
    if (kept) return kept as string[];
    const own = a.map((s) => this.string(s));
    this.lists.set(key, own);
    return own;
  }

  /**
   * The same header with its string fields interned, in place. The SOP Instance UID is left
   * alone: it differs in every file, so keeping it in the table would only cost.
   */
  info(i: InstanceInfo): InstanceInfo {
    const fields = i as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === 'string' && k !== 'sopInstanceUID') fields[k] = this.string(v);
    }
    return i;
  }
}
