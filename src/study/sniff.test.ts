import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import { classifyFile, describeNonDicom, MEDIA_STORAGE_DIRECTORY, mediaStorageSOPClass } from './sniff.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const text = (s: string) => new TextEncoder().encode(s);
const testFile = (name: string) => new Uint8Array(readFileSync(join(PYDICOM_DIR, 'test_files', name)));

describe('describeNonDicom says what a file looks like', () => {
  const cases: [string, Uint8Array, string, RegExp][] = [
    ['PDF', bytes('%PDF-1.7\n%âãÏÓ\n'), 'Befund.pdf', /^PDF document$/],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF'), 'IMG_0001', /^JPEG image$/],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), 'x', /^PNG image$/],
    ['GIF', bytes('GIF89a', [1, 0, 1, 0]), 'x', /^GIF image$/],
    ['BMP', bytes('BM', [0x36, 0, 0, 0, 0, 0]), 'x', /^BMP image$/],
    ['TIFF (Intel)', bytes('II', [0x2a, 0, 8, 0, 0, 0]), 'x', /^TIFF image$/],
    ['TIFF (Motorola)', bytes('MM', [0, 0x2a, 0, 0, 0, 8]), 'x', /^TIFF image$/],
    [
      'Windows program',
      bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0], 'This program cannot be run in DOS mode'),
      'VIEWER.EXE',
      /Windows program/,
    ],
    ['ZIP', bytes('PK', [3, 4, 20, 0, 0, 0]), 'x', /^ZIP archive$/],
    ['gzip', bytes([0x1f, 0x8b, 8, 0]), 'x', /gzip/],
    ['HTML', text('<!DOCTYPE html>\n<html><body>Viewer</body></html>'), 'index.htm', /^HTML page$/],
    ['HTML without doctype', text('  <HTML><head>'), 'x', /^HTML page$/],
    ['XML', text('<?xml version="1.0"?>\n<study/>'), 'x', /^XML file$/],
    ['autorun.inf by name', text('[AutoRun]\r\nopen=viewer.exe\r\n'), 'CD/AUTORUN.INF', /autorun\.inf/],
    ['autorun.inf by content', text('[autorun]\nicon=cd.ico\n'), 'SETUP', /autorun\.inf/],
    ['plain text', text('Patient CD created by PACS.\nInsert into a computer.\n'), 'README', /^text file$/],
    [
      'Latin-1 text',
      Uint8Array.from(
        [...'Befund f', 0xfc, ...'r M', 0xfc, ...'ller\n'].map((c) => (typeof c === 'string' ? c.charCodeAt(0) : c)),
      ),
      'x',
      /^text file$/,
    ],
    ['empty', new Uint8Array(0), 'EMPTY', /^empty file$/],
    [
      'unknown binary',
      Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0xff),
      'DATA.BIN',
      /^unknown binary file$/,
    ],
  ];
  for (const [label, head, name, expected] of cases) {
    it(label, () => {
      expect(describeNonDicom(head, name)).toMatch(expected);
      expect(classifyFile(head, name)).toEqual({ kind: 'other', what: describeNonDicom(head, name) });
    });
  }

  it('never names the file in its description (names may be the patient)', () => {
    expect(describeNonDicom(text('hello'), 'MUELLER_JOERG.txt')).not.toMatch(/mueller/i);
  });
});

describe('classifyFile recognises DICOM by content', () => {
  it('a Part 10 file with no extension', () => {
    expect(classifyFile(testFile('CT_small.dcm').subarray(0, 8192), 'IM1')).toEqual({ kind: 'dicom' });
  });

  it('a raw data set with no preamble', () => {
    expect(classifyFile(testFile('ExplVR_LitEndNoMeta.dcm').subarray(0, 8192), 'X')).toEqual({ kind: 'dicom' });
  });

  it('an input DICOMDIR, which is never processed as an image', () => {
    const head = testFile('dicomdirtests/DICOMDIR').subarray(0, 8192);
    expect(mediaStorageSOPClass(head)).toBe(MEDIA_STORAGE_DIRECTORY);
    expect(classifyFile(head, 'DICOMDIR')).toEqual({ kind: 'dicomdir' });
  });

  it('reads the Media Storage SOP Class of an image', () => {
    expect(mediaStorageSOPClass(testFile('CT_small.dcm'))).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(mediaStorageSOPClass(text('not dicom'))).toBeUndefined();
  });
});
