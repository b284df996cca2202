import type { Element } from '../dicom/Dataset.ts';
import { keywordOf } from '../dicom/dictionary.ts';
import { formatTag, type Tag } from '../dicom/tag.ts';
import { type Context, pickAction } from './profile/conformance.ts';
import type { Profile } from './profile/Profile.ts';

/** A single action to take on one element (compound codes already resolved). */
export type Action = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

/** How text leaves inside a sequence are treated: as the profile says, replaced (D), or cleaned (C). */
export type Mode = 'profile' | 'dummy-text' | 'clean-text';

/** Free-text VRs: the ones a D or C on an enclosing sequence (Content Sequence…) reaches. */
const FREE_TEXT = new Set(['ST', 'LT', 'UT', 'UC']);

/**
 * Decides what to do with a public element: Table E.1-1 when it lists the tag, otherwise by
 * value category, as §E.1.1 suggests for attributes the table can't enumerate.
 * Shared by the de-identifier and the verifier, so both judge by the same rules.
 */
export const decide = (e: Element, profile: Profile, c: Context, mode: Mode): Action => {
  const rule = profile.rule(e.tag);
  if (rule) return pickAction(rule.action, e.tag, c);
  return byCategory(e, profile, c, mode);
};

const byCategory = (e: Element, profile: Profile, c: Context, mode: Mode): Action => {
  const o = profile.options;
  switch (e.vr) {
    case 'UI':
      return o.retainUIDs ? 'K' : 'U';
    case 'DA':
    case 'DT':
      // "Apply it to every DA and DT value": dates the table doesn't list follow the date options too.
      if (o.retainLongFullDates) return 'K';
      if (o.retainLongModifiedDates) return 'C';
      return pickAction('X/D', e.tag, c);
    case 'PN':
      return 'D';
    case 'SQ':
      return 'K';
    default:
      if (FREE_TEXT.has(e.vr) && mode !== 'profile') return mode === 'dummy-text' ? 'D' : 'C';
      return 'K';
  }
};

/** "(0010,0010) PatientName" for messages. */
export const describeTag = (t: Tag): string => {
  const k = keywordOf(t);
  return k ? `${formatTag(t)} ${k}` : formatTag(t);
};
