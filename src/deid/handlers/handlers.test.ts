import { describe, expect, it } from 'vitest';
import { dateShiftDays, shiftDA, shiftDT } from './DateTime.ts';
import { keyedCode, nameParts, patientPseudonym, typedPseudonym } from './PersonName.ts';
import { IdentityMatcher } from './Text.ts';
import { isWellKnownUid, UidMap } from './UID.ts';

const key = new Uint8Array(32).fill(3);

describe('UID handler', () => {
  it('makes 2.25 UIDs of at most 64 characters, the same for the same input', () => {
    const m = new UidMap(key);
    const a = m.map('1.2.3.4.5');
    expect(a).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(new UidMap(key).map('1.2.3.4.5')).toBe(a);
    expect(m.map('1.2.3.4.6')).not.toBe(a);
    expect(new UidMap(new Uint8Array(32)).map('1.2.3.4.5')).not.toBe(a);
  });
  it('leaves standard UIDs alone', () => {
    expect(isWellKnownUid('1.2.840.10008.5.1.4.1.1.2')).toBe(true);
    expect(new UidMap(key).map('1.2.840.10008.1.2.1')).toBe('1.2.840.10008.1.2.1');
  });
});

describe('date handler', () => {
  it('shifts dates, partial dates and ranges by whole days', () => {
    expect(shiftDA('20240301', -1)).toBe('20240229');
    expect(shiftDA('20240301\\20240302', 1)).toBe('20240302\\20240303');
    expect(shiftDA('2024', -400)).toHaveLength(4);
    expect(shiftDA('20240101-20240131', 31)).toBe('20240201-20240302');
    expect(shiftDA('1993.04.12', 1)).toBe('19930413'); // the retired dotted form is normalised
    expect(shiftDA('garbage', 5)).toBe('');
  });
  it('keeps time and UTC offset of a DT', () => {
    expect(shiftDT('20240315235959.123456-0500', 1)).toBe('20240316235959.123456-0500');
    expect(shiftDT('202403', 0)).toBe('202403');
  });
  it('derives one shift per patient, between 1 and 10 years back', () => {
    const d = dateShiftDays(key, 'id:PID1|');
    expect(d).toBe(dateShiftDays(key, 'id:PID1|'));
    expect(d).toBeLessThanOrEqual(-365);
    expect(d).toBeGreaterThanOrEqual(-3650);
    expect(dateShiftDays(key, 'id:PID2|')).not.toBe(d);
  });
});

describe('person name handler', () => {
  it('derives pseudonyms from the key', () => {
    const p = patientPseudonym(key, 'id:PID1|');
    expect(p.name).toMatch(/^VEIL\^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(p.id).toBe(p.name.replace('^', '-'));
    expect(keyedCode(key, 'x', 'y')).toBe(keyedCode(key, 'x', 'y'));
  });
  it('makes typed pseudonyms valid', () => {
    expect(typedPseudonym('Case\\12\n')).toEqual({ name: 'Case 12', id: 'Case 12' });
    expect(typedPseudonym('DOE^JOHN').id).toBe('DOE JOHN');
  });
  it('splits names into every searchable part', () => {
    const parts = nameParts('Yamada^Tarou=山田^太郎=やまだ^たろう');
    expect(parts).toEqual(expect.arrayContaining(['Yamada', 'Tarou', '山田', '太郎', 'やまだ', 'Tarou Yamada']));
  });
});

describe('text handler', () => {
  const m = new IdentityMatcher(['MUELLER', 'JOERG', 'PID123', '山田']);
  it('finds identity strings as whole words, any case', () => {
    expect(m.find('seen by mueller')).toEqual(['mueller']);
    expect(m.find('MUELLERSON')).toEqual([]);
    expect(m.find('患者山田さん')).toEqual(['山田']);
  });
  it('cleans names, dates and phone numbers out of text', () => {
    expect(m.clean('CT for Joerg Mueller 12.03.2024, call +49 30 1234567')).toBe('CT for , call');
    expect(m.clean('Head CT 20240312 PID123')).toBe('Head CT');
    expect(m.clean('born 12 Apr 1961; seen April 3, 2024 and 3-APR-2024 (2024年4月3日)')).toBe('born ; seen and ()');
  });
  it('turns text that was nothing but identifying into a plain dummy', () => {
    expect(m.clean('Joerg Mueller')).toBe('REMOVED');
    expect(m.clean('')).toBe('');
  });
});
