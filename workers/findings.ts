import { IdentityMatcher } from '../src/deid/handlers/Text.ts';
import { formsOf } from '../src/deid/Identity.ts';
import { IDENTITY_ATTRIBUTES } from '../src/deid/IdentityKind.ts';
import { decodeText } from '../src/dicom/charset.ts';
import type { Dataset, Element } from '../src/dicom/Dataset.ts';
import { isPrivate } from '../src/dicom/tag.ts';
import { STRING } from '../src/dicom/VR.ts';
import { charsetOf, stringOf } from '../src/dicom/values.ts';
import type { IdentityHit } from './api.ts';

/**
 * What identifies the person in one file's header, counted the way the findings summary reports
 * it: each identifying value, and how many elements (at any depth, private ones included)
 * mention it. Works on headers only, so the inventory can afford it for every file.
 */

/** Private values larger than this are binary blobs, not text worth searching. */
const MAX_PRIVATE_TEXT = 64 * 1024;

interface Visit {
  e: Element;
  text: string;
}

/** Every element holding text, with its decoded text, at any nesting depth. */
const texts = (ds: Dataset, inherited: string, out: Visit[]): Visit[] => {
  const cs = charsetOf(ds, inherited);
  for (const e of ds.elements()) {
    if (e.items) {
      for (const item of e.items) texts(item, cs, out);
      continue;
    }
    if (!e.value || e.tag === 0x7fe00010) continue;
    if (STRING.has(e.vr)) out.push({ e, text: decodeText(e.value, e.vr, cs) });
    // Private OB/UN values often hide plain text (vendor headers carrying the name; any private
    // element read as Implicit VR is UN), in the data set's character set.
    else if (isPrivate(e.tag) && e.value.length <= MAX_PRIVATE_TEXT && (e.vr === 'UN' || e.vr === 'OB')) {
      out.push({ e, text: decodeText(e.value, 'LO', cs || 'ISO_IR 100') });
    }
  }
  return out;
};

/** The identifying values of a data set and where they are mentioned. */
export const identityHits = (ds: Dataset): IdentityHit[] => {
  const visits = texts(ds, '', []);
  const found = new Map<string, IdentityHit>();
  for (const { e, text } of visits) {
    const kind = IDENTITY_ATTRIBUTES.get(e.tag);
    if (!kind) continue;
    for (const raw of text.split('\\')) {
      const value = raw.replace(/[\0 ]+$/, '').trim();
      const forms = value ? formsOf(kind, value) : [];
      const k = `${kind}\0${value.toUpperCase()}`;
      if (forms.length && !found.has(k)) found.set(k, { kind, value, places: 0, privatePlaces: 0, forms });
    }
  }
  if (!found.size) return [];

  // Which values each searchable form stands for (a family name may belong to two values).
  const byForm = new Map<string, IdentityHit[]>();
  for (const hit of found.values()) {
    for (const f of hit.forms) {
      const list = byForm.get(f.toUpperCase()) ?? [];
      list.push(hit);
      byForm.set(f.toUpperCase(), list);
    }
  }
  const matcher = new IdentityMatcher([...byForm.keys()]);
  for (const { e, text } of visits) {
    const hits = new Set<IdentityHit>();
    for (const m of matcher.find(text)) for (const h of byForm.get(m.toUpperCase()) ?? []) hits.add(h);
    for (const h of hits) {
      h.places++;
      if (isPrivate(e.tag)) h.privatePlaces++;
    }
  }
  return [...found.values()];
};

/** Body part, protocol and descriptions in one upper-case string, for the face hint. */
export const anatomyOf = (ds: Dataset): string => {
  const cs = charsetOf(ds);
  return [0x00180015, 0x00181030, 0x00081030, 0x0008103e]
    .map((t) => stringOf(ds.get(t), cs) ?? '')
    .join(' ')
    .toUpperCase();
};
