import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import type { Dataset } from '../dicom/Dataset.ts';
import { fileMeta } from '../dicom/FileMeta.ts';
import { readDicom } from '../dicom/read.ts';
import { getString, numberOf } from '../dicom/values.ts';
import { writePart10 } from '../dicom/write.ts';
import { instanceInfo } from '../study/InstanceInfo.ts';
import { testInfo } from '../study/testInfo.ts';
import { buildDicomdir, type DirectoryEntry, directoryProblem, leafRecordType } from './dicomdir.ts';
import { assignFileIds } from './naming.ts';

const FILES = [
  'CT_small.dcm',
  'MR_small.dcm',
  'rtdose.dcm',
  'rtplan.dcm',
  'rtstruct.dcm', // no File Meta: its transfer syntax comes from the reader
  'test-SR.dcm',
  'reportsi.dcm',
  'waveform_ecg.dcm',
  'dicomdirtests/77654033/CT2/17106',
  'dicomdirtests/77654033/CT2/17136',
  'dicomdirtests/77654033/CT2/17166',
  'dicomdirtests/77654033/CT2/17196',
];

/** Real files with their headers and the names Veil gives them. */
const corpus = () => {
  const items = FILES.map((f) => {
    const bytes = new Uint8Array(readFileSync(join(PYDICOM_DIR, 'test_files', f)));
    const r = readDicom(bytes);
    if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
    const { dataset, meta, transferSyntax } = r.value;
    const info = instanceInfo(dataset, meta, transferSyntax.littleEndian);
    if (meta.size > 0) return { f, bytes, info };
    // A raw data set: a File-set holds Part 10 files only (PS3.10 §7), so give it a File Meta.
    const part10 = writePart10({
      meta: fileMeta(info.sopClassUID, info.sopInstanceUID, transferSyntax.uid),
      dataset,
      transferSyntax,
    });
    return { f, bytes: part10, info: { ...info, transferSyntaxUID: transferSyntax.uid } };
  });
  const named = assignFileIds(items, (i) => i.info);
  if (!named.ok) throw new Error(named.error);
  const entries: DirectoryEntry[] = items.map((i) => ({ fileId: named.fileIds.get(i)!, info: i.info }));
  return { items, entries };
};

const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const ul = (ds: Dataset, t: number) => numberOf(ds.get(t)) ?? -1;

/** The record whose item starts at `offset`, read on its own: proves the offset is exact. */
const recordAt = (bytes: Uint8Array, offset: number): Dataset => {
  expect([...bytes.subarray(offset, offset + 4)]).toEqual([0xfe, 0xff, 0x00, 0xe0]); // (FFFE,E000) Item
  const r = readDicom(bytes.subarray(offset + 8, offset + 8 + u32(bytes, offset + 4)));
  if (!r.ok) throw new Error(`record at ${offset}: ${r.error.message}`);
  return r.value.dataset;
};

interface Node {
  offset: number;
  type: string;
  fileId?: string;
  children: Node[];
}

/** Follows Next (0004,1400) and Lower-Level (0004,1420) offsets from `first`, as a viewer does. */
const follow = (bytes: Uint8Array, first: number, seen: number[]): Node[] => {
  const out: Node[] = [];
  for (let o = first; o !== 0; ) {
    seen.push(o);
    const ds = recordAt(bytes, o);
    const fileId = getString(ds, 0x00041500);
    out.push({
      offset: o,
      type: getString(ds, 0x00041430) ?? '',
      ...(fileId ? { fileId } : {}),
      children: follow(bytes, ul(ds, 0x00041420), seen),
    });
    o = ul(ds, 0x00041400);
  }
  return out;
};

const tmp = mkdtempSync(join(tmpdir(), 'veil-dicomdir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a File-set (the files and the DICOMDIR) to a fresh folder. */
const writeFileSet = (
  name: string,
  dicomdir: Uint8Array,
  files: { fileId: readonly string[]; bytes: Uint8Array }[],
) => {
  const root = join(tmp, name);
  for (const f of files) {
    const p = join(root, ...f.fileId);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'DICOMDIR'), dicomdir);
  return join(root, 'DICOMDIR');
};

/** A python3 that has pydicom (the Debian package is system-wide; a pyenv shim may shadow it). */
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0,
);

describe('buildDicomdir', () => {
  const { items, entries } = corpus();
  const built = buildDicomdir(entries);
  if (!built.ok) throw new Error(built.error);
  const bytes = built.bytes;
  const path = writeFileSet(
    'corpus',
    bytes,
    items.map((i, n) => ({ fileId: entries[n]!.fileId, bytes: i.bytes })),
  );

  it('parses with our reader as Media Storage Directory Storage', () => {
    const r = readDicom(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(getString(r.value.meta, 0x00020002)).toBe('1.2.840.10008.1.3.10');
    expect(getString(r.value.meta, 0x00020010)).toBe('1.2.840.10008.1.2.1');
    expect(r.value.dataset.get(0x00041220)?.items?.length).toBeGreaterThan(FILES.length);
  });

  it('has offsets that point at the right records', () => {
    const r = readDicom(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const top = r.value.dataset;
    const seen: number[] = [];
    const tree = follow(bytes, ul(top, 0x00041200), seen);
    // Every record is reached exactly once, and the last root record is where (0004,1202) says.
    expect(new Set(seen).size).toBe(top.get(0x00041220)!.items!.length);
    expect(seen.length).toBe(new Set(seen).size);
    expect(ul(top, 0x00041202)).toBe(tree.at(-1)!.offset);
    // The tree is PATIENT → STUDY → SERIES → leaf, and each leaf names its own file.
    for (const p of tree) {
      expect(p.type).toBe('PATIENT');
      for (const s of p.children) {
        expect(s.type).toBe('STUDY');
        for (const se of s.children) {
          expect(se.type).toBe('SERIES');
          for (const leaf of se.children) expect(leaf.children).toEqual([]);
        }
      }
    }
    const leaves = tree.flatMap((p) => p.children.flatMap((s) => s.children.flatMap((se) => se.children)));
    expect(leaves.map((l) => l.fileId).sort()).toEqual(entries.map((e) => e.fileId.join('\\')).sort());
    const typeOf = (f: string) => leaves.find((l) => l.fileId === entries[FILES.indexOf(f)]!.fileId.join('\\'))?.type;
    expect(typeOf('CT_small.dcm')).toBe('IMAGE');
    expect(typeOf('rtdose.dcm')).toBe('RT DOSE');
    expect(typeOf('rtplan.dcm')).toBe('RT PLAN');
    expect(typeOf('rtstruct.dcm')).toBe('RT STRUCTURE SET');
    expect(typeOf('test-SR.dcm')).toBe('SR DOCUMENT');
    expect(typeOf('waveform_ecg.dcm')).toBe('WAVEFORM');
    // The four CT2 files are one series of one study.
    const ct2 = leaves.filter((l) =>
      l.fileId?.startsWith(entries[FILES.indexOf('dicomdirtests/77654033/CT2/17106')]!.fileId.slice(0, 4).join('\\')),
    );
    expect(ct2).toHaveLength(4);
  });

  it('references each file by SOP Class, SOP Instance and Transfer Syntax', () => {
    const r = readDicom(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const leaves = r.value.dataset.get(0x00041220)!.items!.filter((d) => d.has(0x00041500));
    for (const e of entries) {
      const leaf = leaves.find((d) => getString(d, 0x00041500) === e.fileId.join('\\'))!;
      expect(getString(leaf, 0x00041510)).toBe(e.info.sopClassUID);
      expect(getString(leaf, 0x00041511)).toBe(e.info.sopInstanceUID);
      expect(getString(leaf, 0x00041512)).toBe(e.info.transferSyntaxUID);
      expect(leaf.get(0x00041500)!.vr).toBe('CS');
    }
  });

  it('is read by dcmdump without error', () => {
    const r = spawnSync('dcmdump', [path], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^E: /m);
  });

  it('passes dciodvfy with no errors', () => {
    const r = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toMatch(/BasicDirectory/);
    expect(out.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
  });

  it('loads as a pydicom FileSet that finds every file', () => {
    expect(python, 'python3 with pydicom (scripts/setup.sh installs it)').toBeDefined();
    const script = [
      'import sys, json, pydicom',
      'from pydicom.fileset import FileSet',
      'fs = FileSet(pydicom.dcmread(sys.argv[1]))',
      'print(json.dumps(sorted([i.load().SOPInstanceUID == i.ReferencedSOPInstanceUIDInFile and i.ReferencedSOPInstanceUIDInFile for i in fs])))',
    ].join('\n');
    const r = spawnSync(python!, ['-c', script, path], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(entries.map((e) => e.info.sopInstanceUID).sort());
  });

  it('is the same bytes whatever order the entries come in', () => {
    const again = buildDicomdir([...entries].reverse());
    expect(again.ok && Buffer.compare(again.bytes, bytes)).toBe(0);
  });

  it('puts placeholders in empty Type 1 keys and a character set for non-ASCII names', () => {
    const d = buildDicomdir([
      {
        fileId: ['DICOM', 'P0001', 'S0001', 'SE0001', 'IM000001'],
        info: testInfo({
          patientName: 'MÜLLER^JÖRG',
          studyDate: '',
          studyTime: '',
          studyId: '',
          seriesNumber: undefined,
        }),
      },
    ]);
    if (!d.ok) throw new Error(d.error);
    const r = readDicom(d.bytes);
    if (!r.ok) throw new Error(r.error.message);
    const [patient, study, series] = r.value.dataset.get(0x00041220)!.items!;
    expect(getString(patient!, 0x00080005)).toBe('ISO_IR 192');
    expect(getString(patient!, 0x00100010, 'ISO_IR 192')).toBe('MÜLLER^JÖRG');
    expect(getString(study!, 0x00080020)).toBe('19000101');
    expect(getString(study!, 0x00200010)).toBe('S0001');
    expect(getString(series!, 0x00200011)).toBe('1');
    const p = writeFileSet('unicode', d.bytes, []);
    const v = spawnSync('dciodvfy', [p], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
  });

  it('writes a valid empty File-set', () => {
    const d = buildDicomdir([]);
    if (!d.ok) throw new Error(d.error);
    const p = writeFileSet('empty', d.bytes, []);
    const v = spawnSync('dciodvfy', [p], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
  });

  it('refuses, with the file named, what a DICOMDIR cannot reference', () => {
    expect(directoryProblem(testInfo({ transferSyntaxUID: '' }))).toMatch(/Transfer Syntax/);
    const bad = buildDicomdir([{ fileId: ['DICOM', 'p0001', 'IM1'], info: testInfo() }]);
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^DICOM\/p0001\/IM1: not a valid File ID/) });
    const noTs = buildDicomdir([{ fileId: ['DICOM', 'IM1'], info: testInfo({ transferSyntaxUID: '' }) }]);
    expect(noTs).toEqual({ ok: false, error: expect.stringMatching(/^DICOM\/IM1: .*Transfer Syntax/) });
  });

  it('chooses the record type from the SOP Class', () => {
    expect(leafRecordType('1.2.840.10008.5.1.4.1.1.88.59')).toBe('KEY OBJECT DOC');
    expect(leafRecordType('1.2.840.10008.5.1.4.1.1.11.1')).toBe('PRESENTATION');
    expect(leafRecordType('1.2.840.10008.5.1.4.1.1.104.1')).toBe('ENCAP DOC');
    expect(leafRecordType('1.2.840.10008.5.1.4.1.1.4')).toBe('IMAGE');
  });
});
