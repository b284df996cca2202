import { describe, expect, it } from 'vitest';
import { build } from '../test/build.ts';
import { anatomyOf, identityHits } from './findings.ts';

describe('identityHits', () => {
  const ds = build(
    {
      524293: 'ISO_IR 192',
      524416: 'St. Example Hospital',
      589840: 'ACME 1.0',
      593921: 'MÜLLER^JÖRG',
      1048592: 'MÜLLER^JÖRG',
      1048608: 'PID-4711',
      1048624: '19620314',
      2113536: 'Pat. Jörg Müller, born 14.03.1962',
      4194933: [{ 3280992: 'Scan for Müller' }],
    },
    'ISO_IR 192',
  );
  const hits = identityHits(ds);
  const of = (kind: string) => hits.find((h) => h.kind === kind)!;

  it('finds each identifying value and counts every element that mentions it, at any depth', () => {
    // Patient's Name itself, the private copy, the comment, and the nested description.
    expect(of('name')).toMatchObject({ value: 'MÜLLER^JÖRG', places: 4, privatePlaces: 1 });
    expect(of('id')).toMatchObject({ value: 'PID-4711', places: 1 });
    // The birth date as stored and as written in free text.
    expect(of('birthDate')).toMatchObject({ places: 2 });
    expect(of('institution').places).toBe(1);
  });

  it('lists the forms a leak check searches for', () => {
    expect(of('name').forms).toEqual(expect.arrayContaining(['MÜLLER', 'JÖRG', 'JÖRG MÜLLER']));
    expect(of('birthDate').forms).toEqual(expect.arrayContaining(['19620314', '14.03.1962']));
  });

  it('ignores values too short to search without false alarms', () => {
    expect(identityHits(build({ 1048608: '12' }))).toEqual([]);
  });
});

describe('anatomyOf', () => {
  it('joins body part, protocol and descriptions for the face hint', () => {
    expect(anatomyOf(build({ 1572885: 'HEAD', 528446: 'axial 2mm' }))).toContain('HEAD');
  });
});
