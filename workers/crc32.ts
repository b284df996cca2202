/**
 * CRC-32 (IEEE 802.3, the zip checksum), slicing-by-16: 16 table lookups per 16 bytes, about
 * 1.8 GB/s in V8. Computed in the engine workers while the output bytes are still there, so
 * the zip writer never hashes anything.
 */

const TABLES = (() => {
  const t = new Uint32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** CRC-32 of `bytes`, continuing from `crc` (0 to start). */
export const crc32 = (bytes: Uint8Array, crc = 0): number => {
  const t = TABLES;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  const end = n - (n % 16);
  for (; i < end; i += 16) {
    const a = (c ^ dv.getUint32(i, true)) >>> 0;
    const b = dv.getUint32(i + 4, true);
    const d = dv.getUint32(i + 8, true);
    const e = dv.getUint32(i + 12, true);
    c =
      t[3840 + (a & 0xff)]! ^
      t[3584 + ((a >>> 8) & 0xff)]! ^
      t[3328 + ((a >>> 16) & 0xff)]! ^
      t[3072 + (a >>> 24)]! ^
      t[2816 + (b & 0xff)]! ^
      t[2560 + ((b >>> 8) & 0xff)]! ^
      t[2304 + ((b >>> 16) & 0xff)]! ^
      t[2048 + (b >>> 24)]! ^
      t[1792 + (d & 0xff)]! ^
      t[1536 + ((d >>> 8) & 0xff)]! ^
      t[1280 + ((d >>> 16) & 0xff)]! ^
      t[1024 + (d >>> 24)]! ^
      t[768 + (e & 0xff)]! ^
      t[512 + ((e >>> 8) & 0xff)]! ^
      t[256 + ((e >>> 16) & 0xff)]! ^
      t[e >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};
