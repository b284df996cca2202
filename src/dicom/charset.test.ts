import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYDICOM_DIR, pydicomFiles } from '../../test/corpus.ts';
import { decodeText, encodeText, encodeTextOrAscii, normalizeCharset } from './charset.ts';
import { Dataset } from './Dataset.ts';
import { readDicom } from './read.ts';
import { charsetOf, getString } from './values.ts';

const read = (name: string) => {
  const r = readDicom(new Uint8Array(readFileSync(`${PYDICOM_DIR}/charset_files/${name}`)));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.dataset;
};

/**
 * Patient's Name of each of David Clunie's character set samples, as pydicom 2.3 decodes them
 * (and as charset_files/FileInfo.txt gives the bytes). X1 and X2 end in '=' in the file itself.
 */
const PATIENT_NAMES: Record<string, string> = {
  'chrArab.dcm': 'قباني^لنزار',
  'chrFren.dcm': 'Buc^Jérôme',
  'chrFrenMulti.dcm': 'Buc^Jérôme',
  'chrGerm.dcm': 'Äneas^Rüdiger',
  'chrGreek.dcm': 'Διονυσιος',
  'chrH31.dcm': 'Yamada^Tarou=山田^太郎=やまだ^たろう',
  'chrH32.dcm': 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
  'chrHbrw.dcm': 'שרון^דבורה',
  'chrI2.dcm': 'Hong^Gildong=洪^吉洞=홍^길동',
  'chrJapMulti.dcm': 'やまだ^たろう',
  'chrJapMultiExplicitIR6.dcm': 'やまだ^たろう',
  'chrKoreanMulti.dcm': '김희중',
  'chrRuss.dcm': 'Люкceмбypг',
  'chrX1.dcm': 'Wang^XiaoDong=王^小東=',
  'chrX2.dcm': 'Wang^XiaoDong=王^小东=',
};

describe('decoding the pydicom character set files', () => {
  pydicomFiles();
  for (const [file, expected] of Object.entries(PATIENT_NAMES)) {
    it(`decodes Patient's Name of ${file}`, () => {
      const ds = read(file);
      expect(getString(ds, 0x00100010, charsetOf(ds))).toBe(expected);
    });
  }

  it('finds a Japanese name in its Kanji, Kana and Romaji forms', () => {
    const ds = read('chrH31.dcm');
    const name = getString(ds, 0x00100010, charsetOf(ds))!;
    for (const part of ['山田', '太郎', 'やまだ', 'Yamada']) expect(name).toContain(part);
  });

  it('decodes multi-valued names, resetting the character set at each backslash', () => {
    const ds = read('chrFrenMulti.dcm');
    expect(getString(ds, 0x00101001, charsetOf(ds))).toBe('Buc^Jérôme\\Buc^Jérôme');
  });

  it('uses a sequence item’s own Specific Character Set (PS3.5 §6.1.2.5.3)', () => {
    const ds = read('chrSQEncoding.dcm');
    const top = charsetOf(ds);
    expect(top).toBe('ISO_IR 192');
    const item = ds.get(0x00321064)!.items![0]!;
    const own = charsetOf(item, top);
    expect(own).toBe('ISO 2022 IR 13\\ISO 2022 IR 87');
    // This item returns to G0 with ESC ( B, which it did not declare: decoded anyway, as pydicom does.
    expect(getString(item, 0x00100010, own)).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('lets an item without Specific Character Set inherit the enclosing one', () => {
    const ds = read('chrSQEncoding1.dcm');
    const top = charsetOf(ds);
    const item = ds.get(0x00321064)!.items![0]!;
    expect(item.has(0x00080005)).toBe(false);
    expect(charsetOf(item, top)).toBe(top);
    expect(getString(item, 0x00100010, charsetOf(item, top))).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('treats a present but empty Specific Character Set as the default repertoire, not inherited', () => {
    const item = new Dataset([{ tag: 0x00080005, vr: 'CS', value: new Uint8Array(0) }]);
    expect(charsetOf(item, 'ISO_IR 100')).toBe('');
  });
});

describe('decodeText never hides a byte', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('falls back to Latin-1 for bytes that are not valid in the declared set', () => {
    // "Jér" in Latin-1 in a file that claims UTF-8.
    expect(decodeText(bytes(0x4a, 0xe9, 0x72), 'PN', 'ISO_IR 192')).toBe('Jér');
    expect(decodeText(bytes(0x4a, 0xe9, 0x72), 'PN', 'NOT A CHARSET')).toBe('Jér');
    expect(decodeText(bytes(0x1b, 0x24, 0x29, 0x58, 0xc1), 'PN', '\\ISO 2022 IR 87')).not.toContain('\uFFFD');
  });

  it('accepts the usual misspellings of the defined terms', () => {
    expect(normalizeCharset('iso_ir100')).toBe('ISO_IR 100');
    expect(normalizeCharset(' ISO-IR 144 ')).toBe('ISO_IR 144');
    expect(normalizeCharset('\\ISO 2022 IR87')).toBe('\\ISO 2022 IR 87');
    expect(decodeText(bytes(0xe9), 'LO', 'ISO_IR100')).toBe('é');
    expect(decodeText(bytes(0xbb), 'LO', 'ISO_IR144')).toBe('Л');
  });

  it('decodes only the VRs that Specific Character Set applies to', () => {
    expect(decodeText(bytes(0xe9), 'CS', 'ISO_IR 144')).toBe('é');
    expect(decodeText(bytes(0x41, 0x42), 'PN', '\\ISO 2022 IR 87')).toBe('AB');
  });
});

describe('encodeText', () => {
  const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);
  const ALL = [
    '',
    'ISO_IR 6',
    'ISO_IR 100',
    'ISO_IR 101',
    'ISO_IR 126',
    'ISO_IR 144',
    'ISO_IR 192',
    'GB18030',
    'ISO_IR 13',
    '\\ISO 2022 IR 87',
    'ISO 2022 IR 13\\ISO 2022 IR 87',
    '\\ISO 2022 IR 149',
  ];

  it('writes ASCII as ASCII in every character set', () => {
    for (const cs of ALL) expect(hex(encodeText('ANON^Patient 12', cs))).toBe(hex(Buffer.from('ANON^Patient 12')));
  });

  it('refuses characters that would change meaning: ESC, controls, C1, lone surrogates', () => {
    for (const cs of ALL) {
      for (const bad of ['A\x1b$BB', 'A\x00', 'A\x07', 'A\x85', 'A\uD800', 'A\x7f'])
        expect(encodeText(bad, cs)).toBeUndefined();
    }
  });

  it('refuses "~" where G0 is JIS X 0201, in which 0x7E is OVERLINE', () => {
    expect(encodeText('A~B', 'ISO_IR 13')).toBeUndefined();
    expect(encodeText('A~B', 'ISO 2022 IR 13\\ISO 2022 IR 87')).toBeUndefined();
    expect(hex(encodeText('A~B', 'ISO_IR 100'))).toBe('417e42');
  });

  it('encodes Latin-1 text in ISO_IR 100, but nothing that only Windows-1252 has', () => {
    expect(hex(encodeText('Jérôme', 'ISO_IR 100'))).toBe('4ae972f46d65');
    expect(encodeText('5 €', 'ISO_IR 100')).toBeUndefined();
    expect(encodeText('Œuvre', 'ISO_IR 100')).toBeUndefined();
    expect(encodeText('Jérôme', '')).toBeUndefined();
    expect(encodeText('Jérôme', 'ISO_IR 144')).toBeUndefined();
  });

  it('encodes other single-byte sets exactly', () => {
    for (const [text, cs] of [
      ['Διονυσιος', 'ISO_IR 126'],
      ['Люксембург', 'ISO_IR 144'],
      ['שרון^דבורה', 'ISO_IR 138'],
      ['Łódź', 'ISO_IR 101'],
      ['ﾔﾏﾀﾞ^ﾀﾛｳ', 'ISO_IR 13'],
    ] as const) {
      const b = encodeText(text, cs);
      expect(b, `${text} in ${cs}`).toBeDefined();
      expect(decodeText(b!, 'PN', cs)).toBe(text);
      expect([...b!].some((x) => x >= 0x80 && x < 0xa0)).toBe(false);
    }
  });

  it('encodes UTF-8 only where UTF-8 is the declared set', () => {
    expect(hex(encodeText('山田', 'ISO_IR 192'))).toBe(hex(Buffer.from('山田')));
    expect(encodeText('山田', 'GB18030')).toBeUndefined();
    expect(encodeText('山田', 'ISO_IR 100\\ISO_IR 192')).toBeUndefined();
  });

  it('returns only ASCII for ISO 2022 sets: Veil writes no escape sequences', () => {
    expect(encodeText('山田', '\\ISO 2022 IR 87')).toBeUndefined();
    expect(encodeText('홍', '\\ISO 2022 IR 149')).toBeUndefined();
    expect(encodeText('Jérôme', 'ISO 2022 IR 100')).toBeUndefined();
  });

  it('never produces bytes that decode to something else (random text, every set)', () => {
    const pool = [...'AZaz09 ^=\\~-.é€ŒÄΔλЖжשق山田やﾔ한ąő\t\x1b\x85\u00a0\u00ff'];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let encoded = 0;
    for (let i = 0; i < 3000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 8) },
        () => pool[Math.floor(random() * pool.length)],
      ).join('');
      const cs = ALL[i % ALL.length]!;
      const b = encodeText(text, cs);
      if (!b) continue;
      encoded++;
      expect(decodeText(b, 'LT', cs), `${JSON.stringify(text)} in ${cs}`).toBe(text);
    }
    expect(encoded).toBeGreaterThan(100);
  });

  it('falls back to ASCII with "?" for what cannot be written', () => {
    const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    expect(text(encodeTextOrAscii('Jérôme', ''))).toBe('J?r?me');
    expect(text(encodeTextOrAscii('Jérôme', 'ISO_IR 100'))).toBe('Jérôme');
    expect(text(encodeTextOrAscii('A~\x1bB', 'ISO_IR 13'))).toBe('A??B');
    expect(text(encodeTextOrAscii('山田 Taro', '\\ISO 2022 IR 87'))).toBe('?? Taro');
  });
});
