import table from './e3-10-1.json' with { type: 'json' };

/**
 * PS3.15 Table E.3.10-1 "Safe Private Attributes" (§E.3.10), keyed by creator and tag with the
 * block byte masked: "(0045,xx02)" under "GEMS_HELIOS_01" → "GEMS_HELIOS_01|00450002".
 * Used only with the Retain Safe Private Option.
 */
interface SafeRow {
  tag: string;
  privateCreator: string;
}

let safe: Set<string> | undefined;

const key = (creator: string, group: number, elementLow: number): string =>
  `${creator.trim().toUpperCase()}|${group.toString(16).padStart(4, '0')}${elementLow.toString(16).padStart(4, '0')}`;

/** Whether (group, low byte of element) under this Private Creator is listed as safe. */
export const isSafePrivate = (creator: string, group: number, element: number): boolean => {
  if (!safe) {
    safe = new Set();
    for (const r of table as SafeRow[]) {
      const m = r.tag.match(/^\(([0-9A-Fa-f]{4}),xx([0-9A-Fa-f]{2})\)$/);
      if (m) safe.add(key(r.privateCreator, Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16)));
    }
  }
  return safe.has(key(creator, group, element & 0xff));
};
