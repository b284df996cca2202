import { parseTag, type Tag } from '../../dicom/tag.ts';
import { OPTION_NAMES, type OptionName, type ProfileOptions } from '../options.ts';
import table from './e1-1.json' with { type: 'json' };

/**
 * PS3.15 Table E.1-1 as data → one action per attribute for a given set of options.
 * Nothing here is hand-listed: every row comes from `e1-1.json` (see PROVENANCE.md).
 */

/** Action codes of PS3.15 Table E.1-1a, compound ones included. */
export type ActionCode = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';

interface Row {
  tag: string;
  name: string;
  basic: string;
  [option: string]: string | boolean;
}

/** A resolved row of the profile: the attribute's name and its action under the options in effect. */
export interface Rule {
  name: string;
  action: ActionCode;
}

/** The profile under one set of options: fast tag → rule lookup, including the repeating-group rows. */
export interface Profile {
  options: ProfileOptions;
  /** The rule for a public tag, or undefined when Table E.1-1 does not list it. */
  rule(t: Tag): Rule | undefined;
  /** The rule of the "Private Attributes" row (basic X; C under Retain Safe Private). */
  privateRule: Rule;
}

/**
 * §E.1.1: "A requirement for an Option, when implemented, overrides any requirement for the
 * underlying Profile." When two options in effect both have a cell for a row, cleaning (C) wins
 * over keeping (K): it keeps the attribute's meaning and still removes what identifies.
 */
const resolve = (row: Row, options: ProfileOptions): ActionCode => {
  const cells = OPTION_NAMES.filter((o: OptionName) => options[o] && row[o]).map((o) => row[o] as string);
  if (cells.includes('C')) return 'C';
  return (cells[0] ?? row.basic) as ActionCode;
};

/** Builds the profile for a set of options. Cheap; call once per run. */
export const buildProfile = (options: ProfileOptions): Profile => {
  const exact = new Map<Tag, Rule>();
  let curve: Rule | undefined;
  const overlay = new Map<number, Rule>(); // element number → rule, for (60xx,eeee)
  let privateRule: Rule = { name: 'Private Attributes', action: 'X' };
  for (const row of table as Row[]) {
    const rule: Rule = { name: row.name, action: resolve(row, options) };
    if (row.tag.startsWith('(gggg')) privateRule = rule;
    else if (row.tag.startsWith('(50xx')) curve = rule;
    else if (row.tag.startsWith('(60xx')) overlay.set(parseTag(row.tag.slice(6)), rule);
    else exact.set(parseTag(row.tag), rule);
  }
  const overlayData = overlay.get(0x3000);
  return {
    options,
    privateRule,
    rule(t: Tag): Rule | undefined {
      const hit = exact.get(t);
      if (hit) return hit;
      const g = t >>> 16;
      // Repeating groups 5000-501E and 6000-601E, even only (PS3.5 §7.6).
      if (g >= 0x5000 && g <= 0x501e && g % 2 === 0) return curve;
      if (g >= 0x6000 && g <= 0x601e && g % 2 === 0) {
        // Only Overlay Data and Overlay Comments are listed; the rest of an overlay group
        // (rows, origin, description, label) goes with its Overlay Data, or the overlay is broken.
        return overlay.get(t & 0xffff) ?? (overlayData && { ...overlayData, name: 'Overlay (group 60xx)' });
      }
      return undefined;
    },
  };
};
