import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportKey, generateKey, importKey, type Key } from '../deid/Key.ts';

/** A loaded key, whether it was just created, or why there is none. */
export type KeyResult = { ok: true; key: Key; created: boolean } | { ok: false; error: string };

/**
 * Reads the key file, or creates it with a new random key when it does not exist. The file is
 * readable by the owner only: with the key, pseudonyms can be linked across runs by anyone who
 * also has the originals.
 */
export const loadOrCreateKey = (file: string): KeyResult => {
  if (!existsSync(file)) {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const key = generateKey();
      writeFileSync(file, exportKey(key), { mode: 0o600, flag: 'wx' });
      return { ok: true, key, created: true };
    } catch (e) {
      return { ok: false, error: `${file}: cannot create the key file (${(e as Error).message})` };
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, error: `${file}: cannot read the key file (${(e as Error).message})` };
  }
  const r = importKey(text);
  return r.ok ? { ok: true, key: r.key, created: false } : { ok: false, error: `${file}: ${r.error}` };
};
