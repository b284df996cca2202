import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * The installation's secret key: 32 random bytes. Every pseudonym, UID and date offset is an
 * HMAC-SHA-256 of the original under this key, so results are stable across files and runs but
 * nobody without the key can reverse them or link them by hashing guesses (the flaw of the
 * unsalted hashes published tools use). It lives in IndexedDB (app) or a key file (CLI) and
 * leaves the machine only if the user exports it.
 */
export type Key = Uint8Array;

const KEY_FILE_FORMAT = 'veil-key/1';

/** Makes a new random key with the platform's CSPRNG. */
export const generateKey = (): Key => crypto.getRandomValues(new Uint8Array(32));

/** HMAC-SHA-256(key, purpose ‖ 0x00 ‖ value). The purpose keeps pseudonyms, UIDs and dates independent. */
export const keyedHash = (key: Key, purpose: string, value: string): Uint8Array =>
  hmac(sha256, key, new TextEncoder().encode(`${purpose}\0${value}`));

/** Serialises a key for export (a small JSON text file). */
export const exportKey = (key: Key): string =>
  `${JSON.stringify({ format: KEY_FILE_FORMAT, key: toHex(key), created: new Date().toISOString() }, null, 2)}\n`;

/** Reads an exported key file; returns a message instead of throwing when it isn't one. */
export const importKey = (text: string): { ok: true; key: Key } | { ok: false; error: string } => {
  try {
    const j = JSON.parse(text) as { format?: string; key?: string };
    if (j.format !== KEY_FILE_FORMAT || typeof j.key !== 'string' || !/^[0-9a-f]{64}$/.test(j.key)) {
      return { ok: false, error: 'not a Veil key file (expected format veil-key/1 with a 64-digit hex key)' };
    }
    return { ok: true, key: Uint8Array.from(j.key.match(/../g)!, (h) => Number.parseInt(h, 16)) };
  } catch {
    return { ok: false, error: 'not a Veil key file (not JSON)' };
  }
};

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
