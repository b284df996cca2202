import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYDICOM_DIR, pydicomFiles } from '../../test/corpus.ts';
import { Dataset } from './Dataset.ts';
import { peekTransferSyntax, readDicom, sniff } from './read.ts';
import { transferSyntax } from './TransferSyntax.ts';
import { isPrivate } from './tag.ts';
import { getString, numberOf } from './values.ts';
import { writeDataset, writePart10 } from './write.ts';

/** Flattens a data set into "tag vr hex" lines so two trees can be compared exactly. */
const fingerprint = (ds: Dataset, indent = ''): string[] =>
  ds.elements().flatMap((e) => {
    if ((e.tag & 0xffff) === 0) return []; // group lengths are dropped on writing
    const head = `${indent}${e.tag.toString(16)} ${e.vr}`;
    if (e.items)
      return [head, ...e.items.flatMap((it, i) => [`${indent} item ${i}`, ...fingerprint(it, `${indent}  `)])];
    return [`${head} ${Buffer.from(e.value ?? []).toString('hex')}`];
  });

describe('reading and writing the pydicom test files', () => {
  const files = pydicomFiles();
  it('has the real corpus', () => expect(files.length).toBeGreaterThan(80));

  for (const f of files) {
    it(`round-trips ${basename(f)} value for value`, () => {
      const r = readDicom(new Uint8Array(readFileSync(f)));
      if (!r.ok) {
        // Files that can't be read must say why in words.
        expect(r.error.message.length).toBeGreaterThan(10);
        return;
      }
      const { dataset, transferSyntax } = r.value;
      const bytes = writeDataset(
        dataset,
        transferSyntax.deflated ? { ...transferSyntax, deflated: false } : transferSyntax,
      );
      const again = readDicom(writePart10({ meta: r.value.meta, dataset, transferSyntax }));
      if (r.value.meta.size > 0) {
        expect(again.ok).toBe(true);
        if (again.ok) expect(fingerprint(again.value.dataset)).toEqual(fingerprint(dataset));
      }
      expect(bytes.length % 2).toBe(0);
    });
  }
});

describe('bad input', () => {
  it('rejects zero bytes with a reason', () => {
    const r = readDicom(new Uint8Array(0));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/empty/);
  });
  it('rejects random bytes as not DICOM', () => {
    const b = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 0xff);
    const r = readDicom(b);
    expect(r.ok).toBe(false);
  });
});

const PYD = (p: string) => new Uint8Array(readFileSync(`${PYDICOM_DIR}/${p}`));

/** Builds bytes from numbers and strings (strings as ASCII). */
const bytesOf = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** A Part 10 header declaring `ts`, for hand-built files. */
const part10Header = (ts: string): number[] => {
  const uid = ts.length % 2 ? `${ts}\0` : ts;
  return [...new Array(128).fill(0), ...bytesOf('DICM', le16(2), le16(0x10), 'UI', le16(uid.length), uid)];
};

/** Sequences of undefined length nested `depth` deep, Explicit or Implicit VR LE. */
const nested = (depth: number, explicit: boolean, [group, element] = [0x0040, 0xa730]): number[] => {
  const open: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(...le16(group), ...le16(element), ...(explicit ? [0x53, 0x51, 0, 0] : []), ...le32(0xffffffff));
    open.push(...le16(0xfffe), ...le16(0xe000), ...le32(0xffffffff));
    close.push(...le16(0xfffe), ...le16(0xe00d), ...le32(0), ...le16(0xfffe), ...le16(0xe0dd), ...le32(0));
  }
  const leaf = [
    ...le16(0x0040),
    ...le16(0xa040),
    ...(explicit ? [0x43, 0x53, ...le16(4)] : le32(4)),
    ...bytesOf('TEXT'),
  ];
  return [...open, ...leaf, ...close];
};

const expectError = (bytes: Uint8Array, kind: string, message: RegExp) => {
  const r = readDicom(bytes);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.message).toMatch(message);
    expect(r.error.kind).toBe(kind);
  }
};

describe('the rejected pydicom files say what is wrong with them', () => {
  pydicomFiles();
  const cases: [string, string, RegExp][] = [
    // One stray 0x20 byte before a raw Explicit VR LE data set (dcmdump: "(0820,0500) larger than remaining").
    [
      'test_files/no_meta.dcm',
      'malformed',
      /^the file starts with 1 stray byte \(0x20\) before a data set beginning with \(0008,0005\) at byte 1/,
    ],
    // Implicit VR data with elements in group 0001, which is neither standard nor private.
    [
      'test_files/nested_priv_SQ.dcm',
      'malformed',
      /^\(0001,0001\): group 0001 is neither a standard nor a private group/,
    ],
    // Same body, and the File Meta lacks (0002,0010): the syntax is detected, then group 0001 stops it.
    [
      'test_files/meta_missing_tsyntax.dcm',
      'malformed',
      /^\(0001,0001\): group 0001 .*\(the File Meta has no Transfer Syntax UID \(0002,0010\); the data set was read as Implicit VR Little Endian/,
    ],
    // Cut inside a nested sequence: dcmdump reports the same element and the same 29 bytes.
    [
      'test_files/rtplan_truncated.dcm',
      'truncated',
      /^\(300A,00B0\) item 1 > \(300A,0111\) item 1 > \(300A,012C\): declared length 50 bytes runs past the end of the file \(29 bytes remain\)$/,
    ],
    [
      'test_files/MR_truncated.dcm',
      'truncated',
      /^\(7FE0,0010\): declared length 8\.0 KB runs past the end of the file/,
    ],
    // Declares JPEG Baseline (Explicit VR) but the data set is Implicit VR (dcmdump: "Non-standard VR").
    [
      'test_files/SC_rgb_jpeg.dcm',
      'malformed',
      /^the File Meta declares JPEG Baseline \(1\.2\.840\.10008\.1\.2\.4\.50\), which uses Explicit VR Little Endian, but the data set is encoded in Implicit VR Little Endian$/,
    ],
    // Two offset elements were cut from the last directory record without fixing its length.
    [
      'test_files/dicomdirtests/DICOMDIR-nooffset',
      'truncated',
      /^\(0004,1220\) item 52: declared length 248 bytes runs past the end of the file \(224 bytes remain\)$/,
    ],
  ];
  for (const [file, kind, message] of cases) {
    it(`${basename(file)}: ${message.source.slice(1, 60)}…`, () => expectError(PYD(file), kind, message));
  }

  it('reads every other pydicom file', () => {
    const rejected = new Set(cases.map(([f]) => basename(f)));
    const failures = pydicomFiles()
      .filter((f) => !rejected.has(basename(f)))
      .map((f) => [basename(f), readDicom(new Uint8Array(readFileSync(f)))] as const)
      .filter(([, r]) => !r.ok);
    expect(failures).toEqual([]);
  });
});

describe('transfer syntaxes', () => {
  const cases: [string, string][] = [
    ['test_files/MR_small_implicit.dcm', '1.2.840.10008.1.2'],
    ['test_files/MR_small.dcm', '1.2.840.10008.1.2.1'],
    ['test_files/image_dfl.dcm', '1.2.840.10008.1.2.1.99'],
    ['test_files/MR_small_bigendian.dcm', '1.2.840.10008.1.2.2'],
    ['test_files/ExplVR_LitEndNoMeta.dcm', '1.2.840.10008.1.2.1'],
    ['test_files/ExplVR_BigEndNoMeta.dcm', '1.2.840.10008.1.2.2'],
    ['test_files/SC_rgb_dcmtk_+eb+cr.dcm', '1.2.840.10008.1.2.4.50'],
    ['test_files/JPGExtended.dcm', '1.2.840.10008.1.2.4.51'],
    ['test_files/SC_rgb_jpeg_gdcm.dcm', '1.2.840.10008.1.2.4.70'],
    ['test_files/MR_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80'],
    ['test_files/MR_small_jp2klossless.dcm', '1.2.840.10008.1.2.4.90'],
    ['test_files/JPEG2000.dcm', '1.2.840.10008.1.2.4.91'],
    ['test_files/MR_small_RLE.dcm', '1.2.840.10008.1.2.5'],
  ];
  for (const [file, uid] of cases) {
    it(`reads ${basename(file)} as ${uid}`, () => {
      const r = readDicom(PYD(file));
      expect(r.ok && r.value.transferSyntax.uid).toBe(uid);
      if (r.ok) expect(r.value.part10).toBe(!/NoMeta/.test(file));
    });
  }

  it('passes encapsulated Pixel Data through untouched, as a view of the input', () => {
    for (const [file] of cases.slice(6)) {
      const input = PYD(file);
      const r = readDicom(input);
      if (!r.ok) throw new Error(r.error.message);
      const pd = r.value.dataset.get(0x7fe00010)!;
      expect(pd.undefinedLength).toBe(true);
      expect(pd.value!.buffer).toBe(input.buffer);
      const out = readDicom(writePart10(r.value));
      if (!out.ok) throw new Error(out.error.message);
      expect(Buffer.from(out.value.dataset.get(0x7fe00010)!.value!).equals(Buffer.from(pd.value!))).toBe(true);
    }
  });

  it('reads HTJ2K (1.2.840.10008.1.2.4.201..203) like any encapsulated syntax', () => {
    const r = readDicom(PYD('test_files/JPEG2000.dcm'));
    if (!r.ok) throw new Error(r.error.message);
    for (const uid of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']) {
      const meta = new Dataset(r.value.meta.elements());
      meta.set({ tag: 0x00020010, vr: 'UI', value: bytesOf(uid, [0]) });
      const again = readDicom(writePart10({ meta, dataset: r.value.dataset, transferSyntax: transferSyntax(uid) }));
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value.transferSyntax.encapsulated).toBe(true);
      expect(again.value.dataset.get(0x7fe00010)!.value).toEqual(r.value.dataset.get(0x7fe00010)!.value);
    }
  });

  it('inflates a deflated data set into one buffer that every value points into', () => {
    const input = PYD('test_files/image_dfl.dcm');
    const r = readDicom(input);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.bytes).not.toBe(input);
    expect(r.value.dataset.get(0x00100010)!.value!.buffer).toBe(r.value.bytes.buffer);
    expect(r.value.meta.get(0x00020010)!.value!.buffer).toBe(r.value.bytes.buffer);
  });

  it('reads a DICOMDIR in each byte order and VR encoding', () => {
    for (const f of ['DICOMDIR', 'DICOMDIR-bigEnd', 'DICOMDIR-implicit']) {
      const r = readDicom(PYD(`test_files/dicomdirtests/${f}`));
      if (!r.ok) throw new Error(r.error.message);
      const records = r.value.dataset.get(0x00041220)!.items!;
      expect(records.length).toBeGreaterThan(40);
      expect(getString(records[0]!, 0x00041430)).toBe('PATIENT');
    }
  });

  it('falls back to detecting the syntax when the File Meta lacks (0002,0010), with a warning', () => {
    const r = readDicom(PYD('test_files/MR_small_implicit.dcm'));
    if (!r.ok) throw new Error(r.error.message);
    const meta = new Dataset(r.value.meta.elements().filter((e) => e.tag !== 0x00020010));
    const again = readDicom(writePart10({ meta, dataset: r.value.dataset, transferSyntax: r.value.transferSyntax }));
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.transferSyntax.uid).toBe('1.2.840.10008.1.2');
    expect(again.value.warnings.join('\n')).toMatch(/no Transfer Syntax UID \(0002,0010\).*Implicit VR Little Endian/);
    expect(fingerprint(again.value.dataset)).toEqual(fingerprint(r.value.dataset));
  });

  it('reads standard elements sent as UN with their dictionary VR (PS3.5 §6.2.2), as pydicom does', () => {
    const r = readDicom(PYD('test_files/rtdose_rle.dcm'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.dataset.get(0x00080018)!.vr).toBe('UI');
    expect(getString(r.value.dataset, 0x00080018)).toMatch(/^1\.9\.999/);
    expect(r.value.warnings.join('\n')).toMatch(/VR UN were read with their dictionary VR/);
  });

  it('reads a standard sequence sent as UN of defined length as the Implicit VR sequence it is', () => {
    const uid = '1.2.3.4\0';
    const inner = [...le16(0x0008), ...le16(0x1150), ...le32(uid.length), ...bytesOf(uid)];
    const item = [...le16(0xfffe), ...le16(0xe000), ...le32(inner.length), ...inner];
    const b = new Uint8Array([
      ...part10Header('1.2.840.10008.1.2.1'),
      ...bytesOf(le16(8), le16(0x60), 'CS', le16(2), 'OT'),
      ...bytesOf(le16(8), le16(0x1110), 'UN', [0, 0], le32(item.length)),
      ...item,
    ]);
    const r = readDicom(b);
    if (!r.ok) throw new Error(r.error.message);
    const sq = r.value.dataset.get(0x00081110)!;
    expect(sq.vr).toBe('SQ');
    expect(getString(sq.items![0]!, 0x00081150)).toBe('1.2.3.4');
    const again = readDicom(writePart10(r.value));
    expect(again.ok && fingerprint(again.value.dataset)).toEqual(fingerprint(r.value.dataset));
  });

  it('shows the items of private Implicit VR sequences (dicom-parser drops them)', () => {
    const r = readDicom(PYD('test_files/priv_SQ.dcm'));
    if (!r.ok) throw new Error(r.error.message);
    const sq = r.value.dataset.elements().find((e) => e.vr === 'SQ' && isPrivate(e.tag));
    expect(sq?.items?.length).toBeGreaterThan(0);
  });

  it('stops a header-only read before Pixel Data', () => {
    const r = readDicom(PYD('test_files/CT_small.dcm'), { headerOnly: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.headerOnly).toBe(true);
    expect(r.value.dataset.has(0x7fe00010)).toBe(false);
    expect(r.value.dataset.has(0x00280010)).toBe(true);
    // Only the header is needed: a prefix that ends inside Pixel Data reads the same.
    const input = PYD('test_files/CT_small.dcm');
    const pixels = Buffer.from(input).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
    const cut = readDicom(input.subarray(0, pixels + 100), { headerOnly: true });
    expect(cut.ok && fingerprint(cut.value.dataset)).toEqual(fingerprint(r.value.dataset));
  });
});

describe('big endian values stay big endian', () => {
  it('MR_small_bigendian has the same Rows, Columns and pixels as MR_small, byte-swapped', () => {
    const le = readDicom(PYD('test_files/MR_small.dcm'));
    const be = readDicom(PYD('test_files/MR_small_bigendian.dcm'));
    if (!le.ok || !be.ok) throw new Error('unreadable');
    expect(be.value.transferSyntax.littleEndian).toBe(false);
    for (const t of [0x00280010, 0x00280011, 0x00280100]) {
      expect(numberOf(be.value.dataset.get(t), false)).toBe(numberOf(le.value.dataset.get(t), true));
      expect(numberOf(be.value.dataset.get(t), false)).toBeGreaterThan(0);
    }
    const a = le.value.dataset.get(0x7fe00010)!.value!;
    const b = be.value.dataset.get(0x7fe00010)!.value!;
    expect(b.length).toBe(a.length);
    const swapped = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i += 2) {
      swapped[i] = b[i + 1]!;
      swapped[i + 1] = b[i]!;
    }
    expect(Buffer.from(swapped).equals(Buffer.from(a))).toBe(true);
  });
});

describe('more bad input', () => {
  it('names a huge declared length', () => {
    const b = PYD('test_files/MR_small.dcm');
    const at = Buffer.from(b).indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
    new DataView(b.buffer).setUint32(at + 8, 0xfffffffe, true);
    expectError(
      b,
      'truncated',
      /^\(7FE0,0010\): declared length 4\.0 GB runs past the end of the file \(8\.\d KB remain\)$/,
    );
  });

  it('rejects sequences nested 1000 deep without overflowing the stack', () => {
    for (const explicit of [true, false]) {
      const ts = explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
      for (const depth of [1000, 50_000]) {
        const b = new Uint8Array([...part10Header(ts), ...nested(depth, explicit)]);
        expectError(b, 'too-deep', /^\(0040,A730\): sequences are nested more than 64 levels deep$/);
      }
      const ok = readDicom(new Uint8Array([...part10Header(ts), ...nested(64, explicit)]));
      expect(ok.ok).toBe(true);
      const shallow = readDicom(new Uint8Array([...part10Header(ts), ...nested(10, explicit)]), { maxDepth: 5 });
      expect(!shallow.ok && shallow.error.message).toMatch(/more than 5 levels/);
    }
  });

  it('bounds the work on deeply nested private Implicit VR sequences, which are parsed level by level', () => {
    const ts = '1.2.840.10008.1.2';
    const file = (depth: number) => new Uint8Array([...part10Header(ts), ...nested(depth, false, [0x0009, 0x1030])]);
    const ok = readDicom(file(64));
    expect(ok.ok).toBe(true);
    for (const depth of [65, 3000]) {
      const started = performance.now();
      expectError(file(depth), 'too-deep', /^\(0009,1030\): sequences are nested more than 64 levels deep$/);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('says so when a file has "DICM" but is something else', () => {
    const png = bytesOf([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], new Array(200).fill(0x41));
    expectError(new Uint8Array([...new Array(128).fill(0), ...bytesOf('DICM'), ...png]), 'malformed', /File Meta/);
    expectError(
      new Uint8Array([...new Array(128).fill(0), ...bytesOf('DICM')]),
      'truncated',
      /ends right after "DICM"/,
    );
  });

  it('says where the preamble went wrong', () => {
    const b = PYD('test_files/CT_small.dcm');
    const shifted = new Uint8Array([0, ...b]);
    expectError(shifted, 'malformed', /the "DICM" marker is at byte 129 instead of byte 128/);
  });

  it('rejects a zip, a PDF and zeros as not DICOM', () => {
    expectError(bytesOf([0x50, 0x4b, 0x03, 0x04], new Array(300).fill(7)), 'not-dicom', /not a DICOM file/);
    expectError(bytesOf('%PDF-1.4\n', new Array(300).fill(0x20)), 'not-dicom', /not a DICOM file/);
    expectError(new Uint8Array(1000), 'not-dicom', /not a DICOM file/);
  });

  it('rejects truncation at every offset of a small file with a reason, never a throw', () => {
    const b = PYD('test_files/CT_small.dcm');
    for (let n = 1; n < b.length; n += 97) {
      const r = readDicom(b.subarray(0, n));
      if (!r.ok) expect(r.error.message).not.toMatch(/internal error/);
    }
  });

  it('rejects a duplicated element rather than keeping one copy', () => {
    const r = readDicom(PYD('test_files/CT_small.dcm'));
    if (!r.ok) throw new Error(r.error.message);
    const body = writeDataset(r.value.dataset, r.value.transferSyntax);
    // (0008,0005) first element: repeat it.
    const first = body.subarray(0, 18);
    const doubled = new Uint8Array([...part10Header('1.2.840.10008.1.2.1'), ...first, ...body]);
    expectError(doubled, 'malformed', /\(0008,0005\) appears more than once/);
  });

  it('rejects an element in an illegal group instead of passing it to the de-identifier', () => {
    const b = new Uint8Array([
      ...part10Header('1.2.840.10008.1.2.1'),
      ...bytesOf(le16(3), le16(0x10), 'LO', le16(4), 'NAME'),
    ]);
    expectError(b, 'malformed', /^\(0003,0010\): group 0003 is neither a standard nor a private group/);
  });
});

describe('sniffing the first bytes', () => {
  it('recognises Part 10, raw data sets and damaged DICOM, and nothing else', () => {
    const head = (f: string) => PYD(f).subarray(0, 8192);
    expect(sniff(head('test_files/CT_small.dcm'))?.part10).toBe(true);
    expect(sniff(head('test_files/ExplVR_BigEndNoMeta.dcm'))?.rawSyntax).toBe('1.2.840.10008.1.2.2');
    expect(sniff(head('test_files/rtstruct.dcm'))?.rawSyntax).toBe('1.2.840.10008.1.2');
    expect(sniff(head('test_files/no_meta.dcm'))?.damaged).toMatch(/stray byte/);
    expect(sniff(bytesOf('%PDF-1.4\n', new Array(300).fill(0x20)))).toBeUndefined();
    expect(sniff(new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 0xff))).toBeUndefined();
  });

  it('peeks at the declared transfer syntax', () => {
    expect(peekTransferSyntax(PYD('test_files/image_dfl.dcm').subarray(0, 1024))).toBe('1.2.840.10008.1.2.1.99');
    expect(peekTransferSyntax(PYD('test_files/ExplVR_LitEndNoMeta.dcm').subarray(0, 1024))).toBe('1.2.840.10008.1.2.1');
    expect(peekTransferSyntax(bytesOf('not dicom at all'))).toBeUndefined();
  });
});
