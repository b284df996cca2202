import { clear, get, set } from 'idb-keyval';
import { generateKey, type Key } from '../deid/Key.ts';
import { type ProfileOptions, RESEARCH } from '../deid/options.ts';

/**
 * What Veil keeps in this browser (IndexedDB, via idb-keyval): the key, the settings, and box
 * layouts for burned-in text per device (./textTemplates.ts: rectangles only, never text). Nothing
 * about patients is stored — not even the pseudonyms typed for them, which would pair an ID with
 * a pseudonym on disk.
 */

export type Preset = 'research' | 'doctor' | 'custom';
export type Destination = 'zip' | 'folder';

export interface Settings {
  preset: Preset;
  options: ProfileOptions;
  destination: Destination;
  /** Remove the face from head CT and MR volumes (issue 4): on unless the user turns it off. */
  deface: boolean;
  /** Find and black out text burned into images (issue 5): on unless the user turns it off. */
  textScan: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  preset: 'research',
  options: RESEARCH,
  destination: 'zip',
  deface: true,
  textScan: true,
};

const KEY = 'veil:key';
const KEY_CREATED = 'veil:key-created';
const SETTINGS = 'veil:settings';

/** The stored key, made and stored on first use. */
export const loadKey = async (): Promise<{ key: Key; created: string; fresh: boolean }> => {
  const stored = await get<Key>(KEY).catch(() => undefined);
  if (stored instanceof Uint8Array && stored.length === 32) {
    return { key: stored, created: (await get<string>(KEY_CREATED)) ?? '', fresh: false };
  }
  const key = generateKey();
  const created = new Date().toISOString();
  await saveKey(key, created);
  return { key, created, fresh: true };
};

/** Stores a key (after an import, or a fresh one). */
export const saveKey = async (key: Key, created = new Date().toISOString()): Promise<void> => {
  await set(KEY, key);
  await set(KEY_CREATED, created);
};

/** Stores the key if nothing is stored yet (after "forget everything", at the next run). */
export const ensureKeyStored = async (key: Key): Promise<void> => {
  if (!(await get(KEY))) await saveKey(key);
};

/** The stored settings, or the defaults (research preset, zip). */
export const loadSettings = async (): Promise<Settings> => {
  const s = await get<Partial<Settings>>(SETTINGS).catch(() => undefined);
  if (!s) return DEFAULT_SETTINGS;
  return {
    preset: s.preset ?? DEFAULT_SETTINGS.preset,
    options: { ...RESEARCH, ...(s.options ?? {}) },
    destination: s.destination === 'folder' ? 'folder' : 'zip',
    // Only an explicit "off" turns defacing off: settings saved before it existed keep the safe default.
    deface: s.deface !== false,
    textScan: s.textScan !== false,
  };
};

export const saveSettings = (s: Settings): Promise<void> => set(SETTINGS, s);

/** Forgets everything: the key, the settings and the box layouts saved per device (one store holds them all). */
export const forgetAll = (): Promise<void> => clear();

/** A short fingerprint of a key, to tell keys apart without showing them. */
export const fingerprint = async (key: Key): Promise<string> => {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', key as Uint8Array<ArrayBuffer>));
  return Array.from(d.subarray(0, 4), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()
    .replace(/(.{4})/, '$1-');
};
