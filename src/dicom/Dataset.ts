import type { Tag } from './tag.ts';
import type { VR } from './VR.ts';

/**
 * One data element. `value` is a view (subarray) into the bytes it was read from, in the
 * data set's byte order, so an element the engine keeps is written back byte for byte.
 */
export interface Element {
  tag: Tag;
  vr: VR;
  /** Raw value bytes (not for SQ). For encapsulated Pixel Data: the fragment items and the delimiter. */
  value?: Uint8Array;
  /** Sequence items (SQ only). */
  items?: Dataset[];
  /** The value was encoded with undefined length: SQ, encapsulated Pixel Data or UN-as-sequence. */
  undefinedLength?: boolean;
}

/**
 * An ordered set of data elements: a top-level data set, the File Meta group, or a sequence item.
 * Kept sorted by tag because PS3.5 §7.1 requires ascending order on writing.
 */
export class Dataset {
  private readonly map = new Map<Tag, Element>();
  /** The sorted order, kept until the next change: walkers ask for it many times per file. */
  private sorted: readonly Element[] | undefined;

  constructor(elements: Iterable<Element> = []) {
    for (const e of elements) this.map.set(e.tag, e);
  }

  /** The element with this tag, if present. */
  get(t: Tag): Element | undefined {
    return this.map.get(t);
  }

  /** Whether the tag is present (even with an empty value). */
  has(t: Tag): boolean {
    return this.map.has(t);
  }

  /** Adds or replaces an element. */
  set(e: Element): void {
    // A replaced element keeps its place in the map, so the next `elements()` finds the map still
    // in order and only copies it: cheaper than copying the order at every replacement.
    this.sorted = undefined;
    this.map.set(e.tag, e);
  }

  /** Removes an element; returns whether it was there. */
  delete(t: Tag): boolean {
    this.sorted = undefined;
    return this.map.delete(t);
  }

  /** Elements in ascending tag order (the order they must be written in). A snapshot: later changes don't alter it. */
  elements(): readonly Element[] {
    if (this.sorted) return this.sorted;
    const all = [...this.map.values()];
    // A data set read from a file is already in order (PS3.5 §7.1), as is one only edited in
    // place: sorting is needed only after an element was added out of order.
    for (let i = 1; i < all.length; i++)
      if (all[i - 1]!.tag > all[i]!.tag) {
        all.sort((a, b) => a.tag - b.tag);
        break;
      }
    this.sorted = all;
    return all;
  }

  /** Number of elements at this level. */
  get size(): number {
    return this.map.size;
  }
}
