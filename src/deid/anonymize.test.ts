import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, part10, reread, type Spec } from '../../test/build.ts';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import type { Dataset } from '../dicom/Dataset.ts';
import { readDicom } from '../dicom/read.ts';
import { charsetOf, getString } from '../dicom/values.ts';
import { anonymize, type Plan } from './anonymize.ts';
import type { Anonymized, Outcome } from './Outcome.ts';
import { DOCTOR, OPTION_NAMES, type ProfileOptions, RESEARCH } from './options.ts';

const key = new Uint8Array(32).map((_, i) => i + 1);
const none = Object.fromEntries(OPTION_NAMES.map((o) => [o, false])) as ProfileOptions;
const CT = '1.2.840.10008.5.1.4.1.1.2';
const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';

/** A CT header full of identifying values, in the places the profile must reach. */
const ctSpec = (over: Record<number, Spec> = {}): Record<number, Spec> => ({
  524293: 'ISO_IR 100',
  524310: CT,
  524312: '1.2.826.0.1.3680043.9.1.1.19610412',
  524320: '20240315',
  524321: '20240315',
  524322: '20240315',
  524336: '101500',
  524368: 'ACC998877',
  524384: 'CT',
  524400: 'ACME',
  524416: 'St Elsewhere Hospital',
  524432: 'HOUSE^GREGORY',
  528400: 'CTSTATION7',
  528432: 'CT HEAD for MUELLER',
  528528: 'Model MUELLER 3000',
  528704: [{ 528720: CT, 528725: '1.2.826.0.1.3680043.9.1.1.2' }],
  1048592: 'MUELLER^JOERG',
  1048608: 'PID12345',
  1048624: '19610412',
  1048640: 'M',
  1052688: '063Y',
  1052736: '12 Elm Street, Springfield',
  1576960: 'SN-42-XYZ',
  2097165: '1.2.826.0.1.3680043.9.1.2',
  2097166: '1.2.826.0.1.3680043.9.1.3',
  2097234: '1.2.826.0.1.3680043.9.1.4',
  2113536: 'Seen by MUELLER on 2024-03-15',
  ...over,
});

const run = (spec: Record<number, Spec>, options: ProfileOptions, extra: Partial<Plan> = {}): Outcome =>
  anonymize(part10(build(spec, 'ISO_IR 100')), { options, key, ...extra }, 'IM0001');

const ok = (o: Outcome): Dataset => {
  if (o.status !== 'anonymized') throw new Error(`expected anonymized, got ${JSON.stringify(o)}`);
  return reread(o.bytes);
};
const str = (ds: Dataset, t: number) => getString(ds, t, charsetOf(ds));

describe('action codes (PS3.15 Table E.1-1a)', () => {
  const out = ok(run(ctSpec(), none));
  it('X removes', () => {
    expect(out.has(0x00101040)).toBe(false); // Patient's Address
    expect(out.has(0x00204000)).toBe(false); // Image Comments
    expect(out.has(0x00101010)).toBe(false); // Patient's Age
  });
  it('Z empties, or writes the pseudonym for Patient Name and ID', () => {
    expect(str(out, 0x00100030)).toBe(''); // Birth Date
    expect(str(out, 0x00080050)).toBe(''); // Accession Number
    expect(str(out, 0x00100010)).toMatch(/^VEIL\^[0-9A-Z]{8}$/);
    expect(str(out, 0x00100020)).toMatch(/^VEIL-[0-9A-Z]{8}$/);
  });
  it('K keeps', () => {
    expect(str(out, 0x00080060)).toBe('CT');
    expect(str(out, 0x00080070)).toBe('ACME');
  });
  it('U replaces with 2.25 UIDs, in the File Meta too', () => {
    const sop = str(out, 0x00080018)!;
    expect(sop).toMatch(/^2\.25\.\d+$/);
    expect(sop.length).toBeLessThanOrEqual(64);
    expect(str(out, 0x0020000d)).toMatch(/^2\.25\./);
    expect(str(out, 0x00080016)).toBe(CT);
  });
  it('compound codes pick X for Type 3 in a CT Image', () => {
    expect(out.has(0x00081010)).toBe(false); // Station Name X/Z/D
    expect(out.has(0x00181000)).toBe(false); // Device Serial Number X/Z/D
    expect(out.has(0x00080022)).toBe(false); // Acquisition Date X/Z
    expect(out.has(0x00080021)).toBe(false); // Series Date X/D
    expect(out.has(0x00081140)).toBe(false); // Referenced Image Sequence X/Z/U*, top level
  });
  it('compound codes pick D where the IOD needs Type 1 (Enhanced CT: Device Serial Number)', () => {
    const e = ok(run(ctSpec({ 524310: ENHANCED_CT }), none));
    expect(str(e, 0x00181000)).toMatch(/^[0-9A-Z]{10}$/); // an ID-like dummy: keyed, so it still links
  });
  it('X/Z/U* keeps nested references with their UIDs replaced', () => {
    const spec = ctSpec({
      532754: [
        {
          528720: CT,
          528725: '1.2.826.0.1.3680043.9.1.1.7',
          528704: [{ 528720: CT, 528725: '1.2.826.0.1.3680043.9.1.1.8' }],
        },
      ],
    });
    const e = ok(run(spec, none));
    expect(e.has(0x00082112)).toBe(false); // Source Image Sequence at top level: Type 3, removed
    const pr = ok(run({ ...spec, 524310: '1.2.840.10008.5.1.4.1.1.11.1' }, none));
    const nestedRef = pr.get(0x00081140)!.items![0]!;
    expect(str(nestedRef, 0x00081155)).toMatch(/^2\.25\./); // in a presentation state: kept, remapped
  });
  it('D replaces with a value valid for the VR', () => {
    const sr = ok(
      run(
        {
          ...ctSpec(),
          524310: '1.2.840.10008.5.1.4.1.1.88.11',
          524384: 'SR',
          4237104: [
            { 4235280: 'CONTAINS', 4235328: 'PNAME', 4235555: 'HOUSE^GREGORY' },
            { 4235328: 'TEXT', 4235616: 'Patient MUELLER doing well' },
            { 4235328: 'DATE', 4235553: '20240315' },
          ],
        },
        none,
      ),
    );
    const items = sr.get(0x0040a730)!.items!;
    expect(str(items[0]!, 0x0040a123)).toMatch(/^PERSON\^[0-9A-Z]{6}$/);
    expect(str(items[1]!, 0x0040a160)).toBe('ANONYMIZED'); // D on Content Sequence: text replaced
    expect(str(items[2]!, 0x0040a121)).toBe('19000101');
  });
});

describe('the ten options', () => {
  it('Retain UIDs keeps every UID', () => {
    const o = ok(run(ctSpec(), { ...none, retainUIDs: true }));
    expect(str(o, 0x00080018)).toBe('1.2.826.0.1.3680043.9.1.1.19610412');
    expect(str(o, 0x0020000d)).toBe('1.2.826.0.1.3680043.9.1.2');
  });
  it('Retain Device Identity keeps station and serial number', () => {
    const o = ok(run(ctSpec(), { ...none, retainDeviceIdentity: true }));
    expect(str(o, 0x00081010)).toBe('CTSTATION7');
    expect(str(o, 0x00181000)).toBe('SN-42-XYZ');
  });
  it('Retain Institution Identity keeps the institution', () => {
    const o = ok(run(ctSpec(), { ...none, retainInstitutionIdentity: true }));
    expect(str(o, 0x00080080)).toBe('St Elsewhere Hospital');
    expect(ok(run(ctSpec(), none)).has(0x00080080)).toBe(false);
  });
  it('Retain Patient Characteristics keeps sex and age', () => {
    const o = ok(run(ctSpec(), { ...none, retainPatientCharacteristics: true }));
    expect(str(o, 0x00100040)).toBe('M');
    expect(str(o, 0x00101010)).toBe('063Y');
  });
  it('Retain Longitudinal Full Dates keeps dates', () => {
    const o = ok(run(ctSpec(), { ...none, retainLongFullDates: true }));
    expect(str(o, 0x00080020)).toBe('20240315');
  });
  it('Retain Longitudinal Modified Dates shifts every date by one offset per patient', () => {
    const spec = ctSpec({ 524323: '20240320', 524330: '20240315093000.5+0100' });
    const o = ok(run(spec, { ...none, retainLongModifiedDates: true }));
    const study = str(o, 0x00080020)!;
    const content = str(o, 0x00080023)!;
    expect(study).not.toBe('20240315');
    const days = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
    expect(days(content) - days(study)).toBe(5); // the interval survives
    expect(str(o, 0x0008002a)).toBe(`${study}093000.5+0100`); // time and zone kept
    const again = ok(run({ ...spec, 524312: '1.2.3.999' }, { ...none, retainLongModifiedDates: true }));
    expect(str(again, 0x00080020)).toBe(study); // same patient, same shift
    expect(str(o, 0x00280303)).toBe('MODIFIED');
  });
  it('Clean Descriptors keeps descriptions without the identifying words', () => {
    const o = ok(run(ctSpec(), { ...none, cleanDescriptors: true }));
    expect(str(o, 0x00081030)).toBe('CT HEAD for');
    expect(str(o, 0x00204000)).toBe('Seen by on');
    expect(ok(run(ctSpec(), none)).has(0x00081030)).toBe(false);
  });
  it('Clean Structured Content cleans SR text instead of replacing it', () => {
    const spec = {
      ...ctSpec(),
      524310: '1.2.840.10008.5.1.4.1.1.88.11',
      4237104: [{ 4235328: 'TEXT', 4235616: 'Patient MUELLER doing well' }],
    };
    const o = ok(run(spec, { ...none, cleanStructuredContent: true }));
    expect(str(o.get(0x0040a730)!.items![0]!, 0x0040a160)).toBe('Patient doing well');
  });
  it('Clean Graphics keeps overlays (cleaned); without it 60xx and 50xx groups go', () => {
    const spec = ctSpec({
      1610612752: { vr: 'US', bytes: new Uint8Array([8, 0]) },
      1610612770: 'MUELLER overlay',
      1610625024: { vr: 'OW', bytes: new Uint8Array(8) },
      1342177285: { vr: 'US', bytes: new Uint8Array([1, 0]) },
    });
    const without = ok(run(spec, none));
    expect([0x60000010, 0x60000022, 0x60003000, 0x50000005].some((t) => without.has(t))).toBe(false);
    const withIt = ok(run(spec, { ...none, cleanGraphics: true }));
    expect(withIt.has(0x60003000)).toBe(true);
    expect(str(withIt, 0x60000022)).toBe('overlay');
  });
  it('Retain Safe Private keeps only Table E.3.10-1 elements, and their creator', () => {
    const spec = ctSpec({
      1638416: 'GEMS_ACQU_01',
      1642531: '10.5', // (0019,xx23) Table Speed: listed safe
      1642499: 'MUELLER^JOERG', // not listed
      589840: 'ACME 1.0',
      593921: 'MUELLER^JOERG',
    });
    const kept = ok(run(spec, { ...none, retainSafePrivate: true }));
    expect(kept.has(0x00191023)).toBe(true);
    expect(kept.has(0x00190010)).toBe(true);
    expect(kept.has(0x00191003)).toBe(false);
    expect(kept.has(0x00090010) || kept.has(0x00091001)).toBe(false);
    const gone = ok(run(spec, none));
    expect([0x00190010, 0x00191023, 0x00090010].some((t) => gone.has(t))).toBe(false);
  });
});

describe('the record of what was done', () => {
  it('sets Patient Identity Removed, the method and CID 7050 codes for each option', () => {
    const o = ok(run(ctSpec(), RESEARCH));
    expect(str(o, 0x00120062)).toBe('YES');
    const codes = o.get(0x00120064)!.items!.map((i) => str(i, 0x00080100));
    expect(codes).toEqual(['113100', '113105', '113104', '113103']);
    expect(str(o, 0x00280303)).toBe('REMOVED');
  });
});

describe('pseudonyms, keys and UIDs', () => {
  it('gives the same pseudonym and UIDs for the same key, different ones for another key', () => {
    const a = ok(run(ctSpec(), RESEARCH));
    const b = ok(run(ctSpec(), RESEARCH));
    const c = ok(anonymize(part10(build(ctSpec(), 'ISO_IR 100')), { options: RESEARCH, key: new Uint8Array(32) }, 'x'));
    expect(str(a, 0x00100020)).toBe(str(b, 0x00100020));
    expect(str(a, 0x0020000d)).toBe(str(b, 0x0020000d));
    expect(str(a, 0x00100020)).not.toBe(str(c, 0x00100020));
    expect(str(a, 0x0020000d)).not.toBe(str(c, 0x0020000d));
  });
  it('uses a pseudonym the user typed for that patient', () => {
    const o = ok(run(ctSpec(), RESEARCH, { pseudonyms: { PID12345: 'Case 12' } }));
    expect(str(o, 0x00100010)).toBe('Case 12');
    expect(str(o, 0x00100020)).toBe('Case 12');
  });
  it('maps a reference inside a sequence to the same new UID as the instance it points to', () => {
    const referenced = ok(run(ctSpec({ 524312: '1.2.826.0.1.3680043.9.1.1.2' }), RESEARCH));
    const spec = ctSpec({
      528661: [
        { 2097166: '1.2.826.0.1.3680043.9.1.3', 528704: [{ 528720: CT, 528725: '1.2.826.0.1.3680043.9.1.1.2' }] },
      ],
    });
    const o = ok(run({ ...spec, 524310: '1.2.840.10008.5.1.4.1.1.11.1' }, RESEARCH));
    const ref = o.get(0x00081115)!.items![0]!.get(0x00081140)!.items![0]!;
    expect(str(ref, 0x00081155)).toBe(str(referenced, 0x00080018));
  });
});

describe('leak scan and fail-closed verification', () => {
  it('cleans identity strings from attributes the table does not list', () => {
    const o = ok(run(ctSpec(), DOCTOR));
    expect(str(o, 0x00081090)).toBe('Model 3000'); // Manufacturer's Model Name: kept, cleaned
  });
  it('withholds an image that may carry burned-in text unless the user cleared its series', () => {
    const pixels = { 2145386512: { vr: 'OW' as const, bytes: new Uint8Array(8) } };
    const sc = ctSpec({ 524310: '1.2.840.10008.5.1.4.1.1.7', 524384: 'OT', ...pixels });
    const w = run(sc, RESEARCH);
    expect(w.status).toBe('withheld');
    if (w.status === 'withheld')
      expect(w.reason).toMatch(/IM0001: a secondary capture.*\(clear the series to include it\)/);
    expect(run(sc, RESEARCH, { scanText: false })).toMatchObject({
      status: 'withheld',
      reason: expect.stringMatching(/\(scan it for text, or clear the series to include it\)/),
    });
    expect(run(sc, RESEARCH, { allowBurnedInSeries: ['1.2.826.0.1.3680043.9.1.3'] }).status).toBe('anonymized');
    expect(run(ctSpec({ 2622209: 'YES' }), RESEARCH).status).toBe('withheld');
    // No Pixel Data, no pixels to carry text: only the device's YES (an encapsulated PDF) withholds.
    expect(run(ctSpec({ 524310: '1.2.840.10008.5.1.4.1.1.7', 524384: 'OT' }), RESEARCH).status).toBe('anonymized');
  });
  it('withholds a file it cannot read, with the reason', () => {
    const o = anonymize(part10(build(ctSpec())).subarray(0, 400), { options: RESEARCH, key }, 'IM0009');
    expect(o.status).toBe('withheld');
  });
  it('removes a Japanese name written in ISO 2022 like an ASCII one', () => {
    const file = readFileSync(join(PYDICOM_DIR, 'charset_files', 'chrH32.dcm'));
    const r = readDicom(new Uint8Array(file));
    if (!r.ok) throw new Error(r.error.message);
    const name = r.value.dataset.get(0x00100010)!.value!;
    // Put the encoded name into free text, as a technologist might have typed it.
    const spec = ctSpec({
      524293: '\\ISO 2022 IR 87',
      1048592: { vr: 'PN', bytes: name },
      2113536: { vr: 'LT', bytes: name },
    });
    const o = anonymize(part10(build(spec)), { options: RESEARCH, key }, 'x') as Anonymized;
    expect(o.status).toBe('anonymized');
    const family = getString(r.value.dataset, 0x00100010, charsetOf(r.value.dataset))!.split('=')[1]!.split('^')[0]!;
    expect(family.length).toBeGreaterThan(0);
    const text = new TextDecoder('latin1').decode(o.bytes);
    expect(text.includes(new TextDecoder('latin1').decode(name.subarray(0, 8)))).toBe(false);
    const out = reread(o.bytes);
    expect(getString(out, 0x00204000, charsetOf(out)) ?? '').not.toContain(family);
  });
});
