import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needlesFor, scanBytes, scanDicom, scanText } from '../scripts/corpus/scan.ts';
import { generateCorpus, type Manifest } from '../scripts/generate-corpus.ts';
import { anonymize } from '../src/deid/anonymize.ts';
import type { Key } from '../src/deid/Key.ts';
import type { Outcome } from '../src/deid/Outcome.ts';
import { DOCTOR, type ProfileOptions, RESEARCH } from '../src/deid/options.ts';
import type { Dataset } from '../src/dicom/Dataset.ts';
import { readDicom } from '../src/dicom/read.ts';
import { charsetOf, getString } from '../src/dicom/values.ts';
import { walkFiles } from './corpus.ts';
import { dciodvfy, dciodvfyNewErrors, dcmdump, pydicomRead } from './validators.ts';

/**
 * The zero-leak test: a CD full of fake PHI (scripts/generate-corpus.ts) goes through `anonymize`
 * with the research and the doctor presets, and no identity string of the manifest may survive in
 * any output — not in a decoded value at any depth, not in the raw bytes in any encoding. Every
 * input must be accounted for, no original UID may remain, and the outputs must satisfy dcmdump,
 * dciodvfy (no new errors) and pydicom.
 */

const SEED = 20240117;
/** A fixed key, so a failure reproduces exactly. */
const KEY: Key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

let dir: string;
let cd: string;
let manifest: Manifest;
/** Every file of the tree, relative path -> bytes. */
const inputs = new Map<string, Uint8Array>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-phi-'));
  manifest = generateCorpus(join(dir, 'corpus'), SEED);
  cd = join(dir, 'corpus', manifest.root);
  for (const f of walkFiles(cd)) inputs.set(relative(cd, f).split('\\').join('/'), new Uint8Array(readFileSync(f)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dicomInputs = () => manifest.files.filter((f) => f.kind !== 'other');

/** Every UID value at every depth of a data set (UI elements, split on backslash). */
const uidsOf = (ds: Dataset, into: Set<string>): Set<string> => {
  for (const e of ds.elements()) {
    if (e.items) for (const item of e.items) uidsOf(item, into);
    else if (e.vr === 'UI' && e.value && e.tag !== 0x00020012 && e.tag !== 0x00020010) {
      for (const u of new TextDecoder('latin1').decode(e.value).replace(/\0/g, '').split('\\')) {
        if (u.trim()) into.add(u.trim());
      }
    }
  }
  return into;
};

describe('the PHI corpus', () => {
  it('is deterministic: the same seed gives the same bytes', () => {
    const again = generateCorpus(join(dir, 'again'), SEED);
    expect(JSON.stringify(again)).toBe(JSON.stringify(manifest));
    for (const f of manifest.files) {
      expect(Buffer.compare(readFileSync(join(dir, 'again', 'cd', f.path)), Buffer.from(inputs.get(f.path)!))).toBe(0);
    }
  });

  it('lists every file it wrote, and every identity at some place', () => {
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...inputs.keys()].sort());
    for (const i of manifest.identities) expect(i.places.length, i.value).toBeGreaterThan(0);
    const kinds = new Set(manifest.identities.map((i) => i.kind));
    for (const k of ['patient-name', 'patient-id', 'birth-date', 'address', 'phone', 'institution', 'staff-name'])
      expect(kinds).toContain(k);
  });

  it('has the PHI in every kind of place the brief asks for', () => {
    const wheres = manifest.identities.flatMap((i) => i.places.map((p) => p.where));
    const somewhere = (re: RegExp) =>
      expect(
        wheres.some((w) => re.test(w)),
        String(re),
      ).toBe(true);
    somewhere(/^file name$/);
    somewhere(/^content$/); // AUTORUN.INF, PDF, JPEG comment
    somewhere(/^\(0009,1001\)/); // private block
    somewhere(/^\(0009,1004\)\[0\]\/\(0009,1005\)\[0\]\//); // private SQ two levels down
    somewhere(/^\(0040,0275\)\[0\]\/\(0040,0008\)\[0\]\/\(0040,0440\)\[0\]\/\(0040,A123\)/); // 3 deep
    somewhere(/^\(0010,1002\)\[\d\]\/\(0010,0024\)\[0\]\/\(0040,0036\)\[0\]\/\(0040,0039\)\[0\]\//); // 4 deep
    somewhere(/^\(0040,A730\)\[\d\]\/\(0040,A730\)\[\d\]\/\(0040,A730\)\[\d\]\/\(0040,A123\)/); // SR, 3 deep
    somewhere(/^\(6000,0022\)/); // overlay description
    somewhere(/^\(5000,0022\)/); // curve description
    somewhere(/^\(0070,0001\)\[0\]\/\(0070,0008\)\[0\]\/\(0070,0006\)/); // GSPS text
    somewhere(/^\(0004,1220\)\[\d+\]\/\(0010,0010\)/); // DICOMDIR record
    somewhere(/^\(0008,1030\)/);
    somewhere(/^\(0020,4000\)/);
    somewhere(/^\(0010,21B0\)/);
    somewhere(/^\(0010,4000\)/);
    somewhere(/^\(0008,103E\)/);
    somewhere(/^\(0002,0003\)/); // a UID embedding the birth date
    const syntaxes = new Set(manifest.files.map((f) => f.transferSyntaxUid).filter(Boolean));
    expect(syntaxes).toEqual(
      new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']),
    );
  });

  it('decodes every patient name back from its character set', () => {
    for (const f of manifest.files.filter((x) => x.kind === 'dicom')) {
      const r = readDicom(inputs.get(f.path)!);
      if (!r.ok) throw new Error(`${f.path}: ${r.error.message}`);
      const want = manifest.identities.find((i) => i.patient === f.patient && i.kind === 'patient-name')!.value;
      expect(getString(r.value.dataset, 0x00100010, charsetOf(r.value.dataset)), f.path).toBe(want);
      expect(charsetOf(r.value.dataset)).toBe(f.specificCharacterSet);
    }
  });

  it('encodes the Japanese name exactly as PS3.5 H.3.1 does', () => {
    const f = manifest.files.find((x) => x.specificCharacterSet === '\\ISO 2022 IR 87')!;
    const example = 'Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B';
    expect(Buffer.from(inputs.get(f.path)!).includes(Buffer.from(example, 'latin1'))).toBe(true);
  });

  it('is found by the leak scan at every place it was injected (the scan works)', () => {
    const needles = needlesFor(manifest.identities);
    const scannable = new Set(needles.map((n) => n.identity.value));
    for (const f of manifest.files) {
      const bytes = inputs.get(f.path)!;
      const found = new Set(
        (f.kind === 'other' ? scanBytes(bytes, needles, 'content') : scanDicom(bytes, needles)).map((h) => h.value),
      );
      for (const h of scanText(f.path, needles, 'file name')) found.add(h.value);
      const expected = manifest.identities
        .filter((i) => scannable.has(i.value) && i.places.some((p) => p.file === f.path))
        .map((i) => i.value);
      expect(
        expected.filter((v) => !found.has(v)),
        f.path,
      ).toEqual([]);
    }
  });

  it('has no identity in pixel data (so the raw scan has no false positives)', () => {
    const needles = needlesFor(manifest.identities);
    for (const f of dicomInputs()) {
      const r = readDicom(inputs.get(f.path)!);
      const px = r.ok ? r.value.dataset.get(0x7fe00010)?.value : undefined;
      if (px) expect(scanBytes(px, needles, 'pixels'), f.path).toEqual([]);
    }
  });

  it('is itself valid: dcmdump, dciodvfy and pydicom read every DICOM file cleanly', () => {
    const files = dicomInputs().map((f) => join(cd, f.path));
    for (const f of files) {
      expect(dcmdump(f).errors, f).toEqual([]);
      expect(dciodvfy(f), f).toEqual([]);
    }
    const report = pydicomRead(files);
    expect(report.failures).toEqual([]);
    expect(report.files.flatMap((f) => f.warnings)).toEqual([]);
  });
});

/** Every Series Instance UID of the corpus: a user who cleared every series for burned-in text. */
const allSeries = (): string[] =>
  dicomInputs().flatMap((f) => {
    const r = readDicom(inputs.get(f.path)!);
    return r.ok ? [getString(r.value.dataset, 0x0020000e) ?? ''] : [];
  });

describe.each<[string, ProfileOptions, boolean]>([
  ['RESEARCH', RESEARCH, false],
  ['DOCTOR', DOCTOR, false],
  ['RESEARCH (every series cleared for burned-in text)', RESEARCH, true],
])('anonymize with the %s preset', (preset, options, clearAll) => {
  const outcomes = new Map<string, Outcome>();
  let outDir: string;
  const anonymized = () =>
    [...outcomes].filter(
      (e): e is [string, Extract<Outcome, { status: 'anonymized' }>] => e[1].status === 'anonymized',
    );

  beforeAll(() => {
    outDir = join(dir, `out-${preset.replace(/\W+/g, '-')}`);
    const plan = { options, key: KEY, ...(clearAll ? { allowBurnedInSeries: allSeries() } : {}) };
    for (const [path, bytes] of inputs) {
      // A copy: the engine may keep views into its input, and the scan must see the output only.
      const o = anonymize(bytes.slice(), plan, path);
      outcomes.set(path, o);
      if (o.status === 'anonymized') {
        mkdirSync(dirname(join(outDir, path)), { recursive: true });
        writeFileSync(join(outDir, path), o.bytes);
      }
    }
  });

  it('accounts for every input file, with a reason for each one not de-identified', () => {
    expect([...outcomes.keys()].sort()).toEqual(manifest.files.map((f) => f.path).sort());
    for (const [path, o] of outcomes) {
      if (o.status === 'withheld') expect(o.reason.trim(), path).not.toBe('');
      if (o.status === 'skipped') expect(o.what.trim(), path).not.toBe('');
    }
  });

  it('de-identifies files (the engine is not withholding everything)', () => {
    expect(anonymized().length).toBeGreaterThan(0);
  });

  it('does with each file what the manifest expects', () => {
    // Clearing a series is how a user lets a burned-in image through: then it must come out clean.
    const expected = (f: (typeof manifest.files)[number]) =>
      clearAll && f.expect === 'withheld' ? 'anonymized' : f.expect;
    const wrong = manifest.files
      .filter((f) => f.expect !== 'any' && outcomes.get(f.path)?.status !== expected(f))
      .map((f) => {
        const o = outcomes.get(f.path)!;
        return `${f.path}: expected ${expected(f)} (${f.note}), got ${o.status}${o.status === 'withheld' ? `: ${o.reason}` : ''}`;
      });
    expect(wrong).toEqual([]);
  });

  it('leaves no identity string in any output, decoded or raw, at any depth', () => {
    const needles = needlesFor(manifest.identities);
    const leaks = anonymized().flatMap(([path, o]) => [
      ...scanDicom(o.bytes, needles).map((h) => `${path}: "${h.value}" (${h.kind}) in ${h.where}`),
      // The output's own header fields name its files and DICOMDIR records.
      ...scanText(JSON.stringify(o.info), needles, 'info').map((h) => `${path}: "${h.value}" in Outcome.info`),
    ]);
    expect(leaks).toEqual([]);
  });

  it('keeps no original UID (other than the standard’s own 1.2.840.10008.*)', () => {
    const originals = new Set<string>();
    for (const f of dicomInputs()) {
      const r = readDicom(inputs.get(f.path)!);
      if (r.ok) {
        uidsOf(r.value.meta, originals);
        uidsOf(r.value.dataset, originals);
      }
    }
    const own = [...originals].filter((u) => !u.startsWith('1.2.840.10008.'));
    expect(own.length).toBeGreaterThan(50);
    const kept = anonymized().flatMap(([path, o]) => {
      const r = readDicom(o.bytes);
      if (!r.ok) return [`${path}: output unreadable: ${r.error.message}`];
      const raw = new TextDecoder('latin1').decode(r.value.bytes);
      const structured = uidsOf(r.value.dataset, uidsOf(r.value.meta, new Set()));
      return own.filter((u) => structured.has(u) || raw.includes(u)).map((u) => `${path}: ${u}`);
    });
    expect(kept).toEqual([]);
  });

  it('writes outputs dcmdump parses without errors', () => {
    const bad = anonymized().flatMap(([path]) => dcmdump(join(outDir, path)).errors.map((e) => `${path}: ${e}`));
    expect(bad).toEqual([]);
  });

  it('adds no dciodvfy errors to any file', () => {
    const fresh = anonymized().flatMap(([path]) =>
      dciodvfyNewErrors(join(cd, path), join(outDir, path)).map((e) => `${path}: ${e}`),
    );
    expect(fresh).toEqual([]);
  });

  it('writes outputs pydicom reads completely, pixels included', () => {
    const report = pydicomRead(anonymized().map(([path]) => join(outDir, path)));
    expect(report.failures).toEqual([]);
    const withPixels = report.files.filter((f) => f.notes.some((n) => n.startsWith('pixels [')));
    expect(withPixels.length).toBeGreaterThan(0);
  });
});
