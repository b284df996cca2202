import { describe, expect, it } from 'vitest';
import { OPTION_NAMES, type ProfileOptions } from '../options.ts';
import { type Context, pickAction } from './conformance.ts';
import table from './e1-1.json' with { type: 'json' };
import { buildProfile } from './Profile.ts';
import { isSafePrivate } from './safePrivate.ts';

const none = Object.fromEntries(OPTION_NAMES.map((o) => [o, false])) as ProfileOptions;
const ctx = (over: Partial<Context> = {}): Context => ({
  sopClass: '1.2.840.10008.5.1.4.1.1.2',
  depth: 0,
  path: [],
  has: () => false,
  ...over,
});

describe('Table E.1-1 as data', () => {
  it('has every row of the 2026d edition', () => expect(table).toHaveLength(657));
  it('gives the basic action when no option is on', () => {
    const p = buildProfile(none);
    expect(p.rule(0x00100010)?.action).toBe('Z');
    expect(p.rule(0x00080018)?.action).toBe('U');
    expect(p.rule(0x00100020)?.action).toBe('Z/D');
    expect(p.rule(0x00080060)).toBeUndefined(); // Modality is not listed: kept
    expect(p.privateRule.action).toBe('X');
  });
  it('lets an option cell override the basic action (§E.1.1)', () => {
    expect(buildProfile({ ...none, retainUIDs: true }).rule(0x00080018)?.action).toBe('K');
    expect(buildProfile({ ...none, retainSafePrivate: true }).privateRule.action).toBe('C');
    expect(buildProfile({ ...none, cleanDescriptors: true }).rule(0x00081030)?.action).toBe('C');
  });
  it('prefers cleaning to keeping when two options disagree', () => {
    const p = buildProfile({ ...none, retainDeviceIdentity: true, retainLongModifiedDates: true });
    expect(p.rule(0x0018700c)?.action).toBe('C'); // Date of Last Detector Calibration: K and C
  });
  it('matches the repeating groups by mask', () => {
    const p = buildProfile(none);
    expect(p.rule(0x60023000)?.action).toBe('X');
    expect(p.rule(0x60020010)?.action).toBe('X'); // the rest of an overlay goes with its data
    expect(p.rule(0x501e0010)?.action).toBe('X');
    expect(p.rule(0x60013000)).toBeUndefined(); // odd group: private, not an overlay
    expect(buildProfile({ ...none, cleanGraphics: true }).rule(0x60003000)?.action).toBe('C');
  });
});

describe('compound codes (Table E.1-1a)', () => {
  it('X for Type 3, Z for Type 2, D for Type 1', () => {
    expect(pickAction('X/Z/D', 0x00181000, ctx())).toBe('X'); // Device Serial Number in CT
    expect(pickAction('X/Z/D', 0x00181000, ctx({ sopClass: '1.2.840.10008.5.1.4.1.1.2.1' }))).toBe('D');
    expect(pickAction('Z/D', 0x00080023, ctx())).toBe('Z'); // Content Date in CT: 2C
    expect(pickAction('Z/D', 0x00080023, ctx({ sopClass: '1.2.840.10008.5.1.4.1.1.88.22' }))).toBe('D');
    expect(pickAction('X/Z', 0x00400555, ctx())).toBe('X');
    expect(pickAction('X/Z', 0x00400555, ctx({ has: (t) => t === 0x52009229 }))).toBe('Z');
    expect(pickAction('X/D', 0x00080021, ctx())).toBe('X');
  });
  it('X/Z/U* keeps references where the IOD needs them', () => {
    expect(pickAction('X/Z/U*', 0x00081140, ctx())).toBe('X');
    expect(pickAction('X/Z/U*', 0x00081140, ctx({ depth: 1, path: [0x00081115] }))).toBe('U');
  });
  it('single codes pass through', () => {
    for (const c of ['D', 'Z', 'X', 'K', 'C', 'U'] as const) expect(pickAction(c, 0x00100010, ctx())).toBe(c);
  });
});

describe('Table E.3.10-1 safe private attributes', () => {
  it('is keyed by creator and element, block byte masked', () => {
    expect(isSafePrivate('GEMS_ACQU_01', 0x0019, 0x1023)).toBe(true);
    expect(isSafePrivate('GEMS_ACQU_01', 0x0019, 0x2023)).toBe(true); // block 20 instead of 10
    expect(isSafePrivate('gems_acqu_01 ', 0x0019, 0x1023)).toBe(true);
    expect(isSafePrivate('OTHER', 0x0019, 0x1023)).toBe(false);
    expect(isSafePrivate('GEMS_ACQU_01', 0x0019, 0x1003)).toBe(false);
  });
});
