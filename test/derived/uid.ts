import { createHash } from 'node:crypto';

/**
 * A UID for generated test data: `2.25.` and 128 bits of SHA-256 of a seed, as a decimal (PS3.5
 * B.2: a UUID-derived UID under the 2.25 root). Deterministic, so a case regenerated from the same
 * source has the same UIDs, and its files can be compared and cached.
 */
export const derivedUid = (...seed: (string | number)[]): string => {
  const h = createHash('sha256').update(seed.join('|')).digest();
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(h[i]!);
  return `2.25.${n}`;
};
