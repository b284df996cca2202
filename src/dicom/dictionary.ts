import { DICTIONARY_DATA } from './dictionary.data.ts';
import { elementOf, groupOf, isPrivateCreator, type Tag } from './tag.ts';
import { isVR, type VR } from './VR.ts';

/** A public data element's dictionary entry (PS3.6). */
export interface DictionaryEntry {
  vr: VR;
  keyword: string;
}

let table: Map<number, DictionaryEntry> | undefined;

// Parsed lazily on first use: the worker pays for it once, the main thread never.
const load = (): Map<number, DictionaryEntry> => {
  if (table) return table;
  table = new Map();
  for (const line of DICTIONARY_DATA.split('\n')) {
    const [key, vr, keyword] = line.split(' ');
    if (!key || !vr || !keyword || !isVR(vr)) continue;
    const t = Number.parseInt(key.replace('xx', '00'), 16) >>> 0;
    table.set(t, { vr, keyword });
  }
  return table;
};

/** Looks a tag up in PS3.6; repeating groups 50xx and 60xx are matched by mask. */
export const lookup = (t: Tag): DictionaryEntry | undefined => {
  const d = load();
  const hit = d.get(t);
  if (hit) return hit;
  const g = groupOf(t);
  if ((g & 0xff00) === 0x5000 || (g & 0xff00) === 0x6000) return d.get(((g & 0xff00) << 16) | elementOf(t));
  return undefined;
};

/** The VR to assume for a tag in Implicit VR data: the dictionary's; LO for Private Creators (PS3.5 §7.8.1); else UN. */
export const vrOf = (t: Tag): VR => lookup(t)?.vr ?? (isPrivateCreator(t) ? 'LO' : 'UN');

/** The keyword for a tag, for reports and the tag table; private or unknown tags get none. */
export const keywordOf = (t: Tag): string | undefined => lookup(t)?.keyword;
