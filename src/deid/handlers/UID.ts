import { type Key, keyedHash } from '../Key.ts';

/**
 * Unique Identifiers (VR UI). Instance UIDs are replaced by `2.25.` + the decimal form of a
 * 128-bit integer taken from HMAC-SHA-256(key, UID): PS3.5 §B.2 allows any 128-bit integer under
 * the 2.25 root. The same UID always maps to the same new UID under one key, so references
 * between files, studies and runs stay intact; without the key the mapping can't be reversed.
 */

/** Whether a UID is defined by the standard (SOP classes, transfer syntaxes, coding schemes, ...). */
export const isWellKnownUid = (uid: string): boolean => uid.startsWith('1.2.840.10008.');

/**
 * Attributes whose UIDs name a class, syntax or scheme rather than an instance: they identify
 * no one and must keep their value (a vendor's private SOP Class UID included).
 */
export const CLASS_UID_TAGS = new Set<number>([
  0x00020002, // Media Storage SOP Class UID
  0x00020010, // Transfer Syntax UID
  0x00020012, // Implementation Class UID
  0x00041510, // Referenced SOP Class UID in File
  0x00041512, // Referenced Transfer Syntax UID in File
  0x00080016, // SOP Class UID
  0x0008001a, // Related General SOP Class UID
  0x0008001b, // Original Specialized SOP Class UID
  0x00080062, // SOP Classes in Study
  0x0008010c, // Coding Scheme UID
  0x0008010d, // Context Group Extension Creator UID
  0x00080117, // Context UID
  0x00080118, // Mapping Resource UID
  0x00081150, // Referenced SOP Class UID
  0x0008115a, // SOP Classes Supported
  0x0040db0c, // Template Extension Creator UID
  0x0040db0b, // Template Extension Organization UID
]);

/** Remaps one UID, caching results for the run (HMAC is the cost; files repeat the same UIDs). */
export class UidMap {
  private readonly cache = new Map<string, string>();
  constructor(private readonly key: Key) {}

  /** The replacement for an instance UID; well-known UIDs come back unchanged. */
  map(uid: string): string {
    if (!uid || isWellKnownUid(uid)) return uid;
    let out = this.cache.get(uid);
    if (!out) {
      const h = keyedHash(this.key, 'uid', uid);
      let n = 0n;
      for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(h[i]!);
      out = `2.25.${n}`;
      this.cache.set(uid, out);
    }
    return out;
  }
}
