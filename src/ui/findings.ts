import type { DicomEntry, IdentityKind } from '../../workers/api.ts';
import { retainedKinds } from '../deid/IdentityKind.ts';
import type { ProfileOptions } from '../deid/options.ts';
import { classifyEntries } from './defacing.ts';
import { plural } from './format.ts';
import type { Inventory } from './inventory.ts';

/**
 * The plain-language summary of what identifies the person, from the workers' per-file
 * findings: "Name ‘MÜLLER^JÖRG’ found in 14 places, including 2 private tags and the DICOMDIR;
 * birth date in 3; …". Also the list of identifying strings the leak check searches for.
 */

interface Tally {
  kind: IdentityKind;
  value: string;
  forms: Set<string>;
  places: number;
  privatePlaces: number;
  dicomdirPlaces: number;
}

const tally = (inv: Inventory): Tally[] => {
  const byValue = new Map<string, Tally>();
  for (const e of [...inv.dicom, ...inv.dicomdirs]) {
    for (const hit of e.identity) {
      const k = `${hit.kind}\0${hit.value.toUpperCase()}`;
      let t = byValue.get(k);
      if (!t) {
        t = { kind: hit.kind, value: hit.value, forms: new Set(), places: 0, privatePlaces: 0, dicomdirPlaces: 0 };
        byValue.set(k, t);
      }
      for (const f of hit.forms) t.forms.add(f);
      t.places += hit.places;
      t.privatePlaces += hit.privatePlaces;
      if (e.isDicomdir) t.dicomdirPlaces += hit.places;
    }
  }
  return [...byValue.values()].sort((a, b) => b.places - a.places);
};

/** How each kind is named in the summary (after the first item, which names the value). */
const LABEL: Record<IdentityKind, string> = {
  name: 'name',
  id: 'patient ID',
  birthDate: 'birth date',
  address: 'home address',
  phone: 'phone number',
  institution: 'hospital name',
  institutionAddress: 'hospital address',
  staff: 'names of doctors and staff',
  accession: 'accession number',
};

const ORDER: IdentityKind[] = [
  'name',
  'id',
  'birthDate',
  'address',
  'phone',
  'institution',
  'institutionAddress',
  'staff',
  'accession',
];

const where = (places: number, priv: number, dicomdir: number): string => {
  const parts = [priv ? plural(priv, 'private tag') : '', dicomdir ? 'the DICOMDIR' : ''].filter(Boolean);
  return `${plural(places, 'place')}${parts.length ? `, including ${parts.join(' and ')}` : ''}`;
};

/**
 * Head scans that show the face, by the defacing classifier (headers only): CT and MR volumes
 * whose headers say "head", and 3D renderings of a head.
 */
const faceSeries = (inv: Inventory): { volumes: number; renders: number } => {
  const all = [...classifyEntries(inv.dicom).series.values()];
  return {
    volumes: all.filter((s) => s.cls.kind === 'head-candidate' && s.headHint).length,
    renders: all.filter((s) => s.cls.kind === 'volume-render').length,
  };
};

const seriesWith = (inv: Inventory, level: DicomEntry['burnedIn']): number =>
  inv.tree
    .flatMap((p) => p.studies.flatMap((s) => s.series))
    .filter((s) => s.instances.some((i) => i.burnedIn === level)).length;

/** The summary, one item per finding, in the order a person should read them. */
export const summarize = (inv: Inventory): string[] => {
  const tallies = tally(inv);
  const lines: string[] = [];
  for (const t of tallies.filter((x) => x.kind === 'name')) {
    lines.push(`Name ‘${t.value}’ found in ${where(t.places, t.privatePlaces, t.dicomdirPlaces)}`);
  }
  for (const kind of ORDER.slice(1)) {
    const ts = tallies.filter((x) => x.kind === kind);
    if (!ts.length) continue;
    const places = ts.reduce((n, t) => n + t.places, 0);
    const priv = ts.reduce((n, t) => n + t.privatePlaces, 0);
    const dir = ts.reduce((n, t) => n + t.dicomdirPlaces, 0);
    const value = kind === 'id' && ts.length === 1 ? ` ‘${ts[0]!.value}’` : '';
    lines.push(`${LABEL[kind]}${value} in ${where(places, priv, dir)}`);
  }
  const yes = seriesWith(inv, 'yes');
  const maybe = seriesWith(inv, 'maybe');
  const faces = faceSeries(inv);
  if (yes) lines.push(`${plural(yes, 'series', 'series')} ${yes === 1 ? 'has' : 'have'} text burned into the image`);
  if (maybe) {
    lines.push(`${plural(maybe, 'series', 'series')} may have text burned into the image (screenshots or ultrasound)`);
  }
  if (faces.volumes)
    lines.push(
      `${plural(faces.volumes, 'head scan')} ${faces.volumes === 1 ? 'shows' : 'show'} the face (it can be rebuilt in 3D)`,
    );
  if (faces.renders)
    lines.push(`${plural(faces.renders, '3D rendering')} of a head ${faces.renders === 1 ? 'shows' : 'show'} the face`);
  return lines.map((l, i) => (i === 0 ? l[0]!.toUpperCase() + l.slice(1) : l));
};

/** Kinds an option keeps on purpose, so the leak check must not count them as leaks. */

/**
 * The identifying values the leak check looks for under these options, and every form of them
 * (name parts, the ways a date is written) to search.
 */
export const needlesFor = (inv: Inventory, o: ProfileOptions): { values: number; forms: string[] } => {
  const keep = retainedKinds(o);
  const ts = tally(inv).filter((t) => !keep.has(t.kind));
  return { values: ts.length, forms: [...new Set(ts.flatMap((t) => [...t.forms]))] };
};

/** The identity values (not their forms), for keeping output names clear of them. */
export const identityValues = (inv: Inventory): string[] => tally(inv).map((t) => t.value);
