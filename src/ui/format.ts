import { formatBytes } from '../dicom/ReadError.ts';

/** Numbers, sizes, times and DICOM dates in plain words, always in the same (English) style. */

/** 1204 -> "1,204". */
export const count = (n: number): string => n.toLocaleString('en');

/** "1 file", "3 files". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** Bytes to "512 KB", "1.2 GB": the engine's wording, so messages and the page agree. */
export const bytes = formatBytes;

/** Seconds to "about 12 s", "about 3 min". */
export const duration = (s: number): string => {
  if (!Number.isFinite(s)) return 'a moment';
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
};

/** A DICOM DA value "20240131" to "31 Jan 2024"; anything else as it is. */
export const dicomDate = (da: string): string => {
  const m = da.match(/^(\d{4})(\d{2})(\d{2})/);
  if (!m) return da;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const mo = months[Number(m[2]) - 1];
  return mo ? `${Number(m[3])} ${mo} ${m[1]}` : da;
};

/** A person name "FAMILY^GIVEN" as "FAMILY, GIVEN" for display. */
export const personName = (pn: string): string => pn.split('=')[0]!.split('^').filter(Boolean).join(', ');

/** A timestamp for file names: "2024-01-31 14.05". */
export const stamp = (d = new Date()): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}.${p(d.getMinutes())}`;
};
