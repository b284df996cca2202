import { type Key, keyedHash } from '../Key.ts';

/**
 * Dates and times (VR DA, DT, TM). Under the Retain Longitudinal Temporal Information Modified
 * Dates Option (§E.3.6) every DA and DT of a patient is shifted by the same whole number of days,
 * so intervals between studies survive but the real dates don't. Whole days keep times of day
 * and time zone offsets valid as they are.
 */

/** The patient's shift in days: between 1 and 10 years back, derived from the key. */
export const dateShiftDays = (key: Key, patientIdentity: string): number => {
  const h = keyedHash(key, 'date-shift', patientIdentity);
  const n = ((h[0]! << 16) | (h[1]! << 8) | h[2]!) >>> 0;
  return -(365 + (n % (3650 - 365)));
};

const DAY = 86_400_000;

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Shifts a DA value "YYYYMMDD" (also the old "YYYY.MM.DD" form and ranges "A-B"). */
export const shiftDA = (value: string, days: number): string =>
  value
    .split('\\')
    .map((v) =>
      v
        .split('-')
        .map((d) => shiftDate(d.trim().replace(/\./g, ''), days))
        .join('-'),
    )
    .join('\\');

const shiftDate = (d: string, days: number): string => {
  if (!/^\d{4}(\d{2}(\d{2})?)?$/.test(d)) return d === '' ? d : '';
  // Partial dates (YYYY, YYYYMM) shift from their middle and keep their precision.
  const y = Number(d.slice(0, 4));
  const m = d.length >= 6 ? Number(d.slice(4, 6)) : 7;
  const day = d.length === 8 ? Number(d.slice(6, 8)) : d.length === 6 ? 15 : 1;
  const t = new Date(Date.UTC(y, m - 1, day) + days * DAY);
  const full = `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)}`;
  return full.slice(0, d.length);
};

/**
 * Shifts a DT value "YYYYMMDDHHMMSS.FFFFFF&ZZXX": the date part moves by whole days; the time
 * and the UTC offset stay as they are.
 */
export const shiftDT = (value: string, days: number): string =>
  value
    .split('\\')
    .map((v) =>
      v
        .split(/(?<=\d)-(?=\d{4})/)
        .map((part) => {
          const m = part.trim().match(/^(\d{4}(?:\d{2}(?:\d{2})?)?)(.*)$/);
          return m ? shiftDate(m[1]!, days) + m[2] : '';
        })
        .join('-'),
    )
    .join('\\');

/** Dummy values valid for their VR (action D): PS3.5 Table 6.2-1 formats. */
export const DUMMY_DATE = '19000101';
export const DUMMY_TIME = '000000';
export const DUMMY_DATETIME = '19000101000000';
