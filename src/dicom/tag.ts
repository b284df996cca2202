/**
 * Tags as numbers: (gggg,eeee) -> 0xggggeeee. Numbers sort in the order PS3.5 §7.1 requires
 * for writing, compare fast, and need no string parsing in hot loops.
 */
export type Tag = number;

/** Builds a tag from its group and element numbers. */
export const tag = (group: number, element: number): Tag => ((group << 16) | element) >>> 0;

/** The group number of a tag. */
export const groupOf = (t: Tag): number => t >>> 16;

/** The element number of a tag. */
export const elementOf = (t: Tag): number => t & 0xffff;

/** Private data elements have an odd group number (PS3.5 §7.8). Groups 1, 3, 5, 7 and FFFF are not private. */
export const isPrivate = (t: Tag): boolean => {
  const g = groupOf(t);
  return (g & 1) === 1 && g > 8 && g !== 0xffff;
};

/** A Private Creator element reserves a block: (gggg,0010-00FF) in an odd group (PS3.5 §7.8.1). */
export const isPrivateCreator = (t: Tag): boolean => isPrivate(t) && elementOf(t) >= 0x10 && elementOf(t) <= 0xff;

/** Group lengths (gggg,0000) are retired outside groups 0000 and 0002; writers drop or recompute them. */
export const isGroupLength = (t: Tag): boolean => elementOf(t) === 0;

/** Formats a tag the way the standard prints it: "(0010,0010)". */
export const formatTag = (t: Tag): string => `(${hex4(groupOf(t))},${hex4(elementOf(t))})`;

/** Parses "(0010,0010)", "00100010" or dicom-parser's "x00100010". */
export const parseTag = (s: string): Tag => {
  // dicom-parser's own form, once per element read: the fast path.
  if (s.length === 9 && s.charCodeAt(0) === 0x78) return Number.parseInt(s.slice(1), 16) >>> 0;
  const h = s.replace(/[^0-9a-fA-F]/g, '').slice(-8);
  return Number.parseInt(h, 16) >>> 0;
};

/** Four upper-case hex digits, as the standard writes groups and elements. */
export const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Item, Item Delimitation and Sequence Delimitation tags (PS3.5 §7.5). */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;

/** The length field of a sequence, item or encapsulated value of undefined length (PS3.5 §7.1.1). */
export const UNDEFINED_LENGTH = 0xffffffff;
