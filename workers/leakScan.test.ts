import { describe, expect, it } from 'vitest';
import { build, part10 } from '../test/build.ts';
import { scanWritten } from './leakScan.ts';

/** A written output whose nested free text still holds the patient's name, and one that is clean. */
const file = (comment: string) =>
  new Blob([<Uint8Array<ArrayBuffer>>part10(
      build(
        {
          524293: 'ISO_IR 192',
          524310: '1.2.840.10008.5.1.4.1.1.7',
          524312: '2.25.7',
          1048592: 'VEIL^7Q2M9K4D',
          528704: [{ 2113536: comment }],
        },
        'ISO_IR 192',
      ),
    )]);

describe('the leak check over written files', () => {
  const needles = ['MÜLLER^JÖRG', 'MÜLLER', 'JÖRG', '19620314'];

  it('finds an identifying string left in a written file, even inside a sequence, and says which', async () => {
    const [leaking, clean] = await scanWritten(
      [
        { id: 0, blob: file('seen by Dr Smith for Jörg Müller') },
        { id: 1, blob: file('follow-up in six weeks') },
      ],
      needles,
    );
    expect(leaking!.found.length).toBeGreaterThan(0);
    const upper = needles.map((n) => n.toUpperCase());
    for (const f of leaking!.found) expect(upper).toContain(f.toUpperCase());
    expect(clean).toEqual({ id: 1, found: [] });
  });

  it('counts a written file it cannot re-read as unreadable, not as clean', async () => {
    const [r] = await scanWritten([{ id: 3, blob: new Blob([new Uint8Array(200).fill(7)]) }], needles);
    expect(r!.found).toEqual([]);
    expect(r!.error).toMatch(/\S/);
  });
});
