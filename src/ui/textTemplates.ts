import { get, set } from 'idb-keyval';
import type { Box } from '../pixels/text/Box.ts';

/**
 * Box layouts for burned-in text remembered per device (issue 5 §4): a device prints its text in
 * the same places on every screen of one size, so boxes drawn once can serve the next CD from it.
 * Kept in IndexedDB with idb-keyval beside the settings ("forget everything" clears that store).
 * Only rectangles are kept, never what was read in them: that text may be a patient's name.
 */

/** One remembered layout. */
export interface BoxTemplate {
  /** The device in words ("ACME Scanner 3000, 480×640"), to say whose boxes these are. */
  device: string;
  boxes: { x: number; y: number; width: number; height: number; keep: boolean }[];
  /** When it was saved (ISO 8601). */
  saved: string;
}

const PREFIX = 'veil:text-template:';

/** A layout as stored: rectangles and whether each is kept, nothing read. */
export const templateOf = (device: string, boxes: readonly Box[], saved = new Date().toISOString()): BoxTemplate => ({
  device,
  boxes: boxes.map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height, keep: b.keep })),
  saved,
});

/** A stored layout as boxes for the plan (no text, no PHI flag: nothing was read). */
export const boxesOf = (t: BoxTemplate): Box[] =>
  t.boxes.map((b) => ({ ...b, text: '', confidence: 100, phi: false, risks: [] }));

/** The layout saved for a device key (see textDeviceKey), if any. */
export const loadTemplate = async (deviceKey: string): Promise<BoxTemplate | undefined> => {
  const t = await get<BoxTemplate>(PREFIX + deviceKey).catch(() => undefined);
  return t && Array.isArray(t.boxes) ? t : undefined;
};

/** Remembers a layout for a device key. */
export const saveTemplate = (deviceKey: string, t: BoxTemplate): Promise<void> => set(PREFIX + deviceKey, t);
