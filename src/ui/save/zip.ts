/**
 * A streaming zip writer (PKWARE APPNOTE 6.3.x), "stored" entries only: DICOM pixel data barely
 * compresses and deflating on the page would cost more than it saves. Each entry's size and
 * CRC-32 are known before it is written (the workers compute the CRC), so there are no data
 * descriptors and every entry can be read back by its offset. Zip64 records are added only when
 * a size, an offset or the entry count needs them, so a 2 GB CD or 70,000 files still work.
 * Why not a library: fflate's streaming Zip has no Zip64 (a CD can pass 4 GB or 65,535 files),
 * and client-zip computes every CRC itself on the zip's thread; here the engine workers already
 * hold each output and compute its CRC in parallel, so the writer only frames bytes.
 */

/** Where an entry's bytes sit in the finished zip, for re-reading it. */
export interface ZipEntry {
  name: string;
  size: number;
  crc32: number;
  /** Offset of the local header. */
  headerOffset: number;
  /** Offset of the first byte of the entry's data. */
  dataOffset: number;
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const UTF8_NAMES = 0x0800;

/** Receives the zip's bytes in order; awaited, so a slow disk slows the writer (backpressure). */
export type ZipOut = (chunk: Uint8Array) => Promise<void>;

export class ZipWriter {
  private offset = 0;
  private readonly entries: ZipEntry[] = [];
  private readonly enc = new TextEncoder();
  private readonly time: number;
  private readonly date: number;

  constructor(
    private readonly out: ZipOut,
    now = new Date(),
  ) {
    // MS-DOS date and time (local time, 2-second resolution), the same for every entry.
    this.time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
    this.date = (((now.getFullYear() - 1980) & 0x7f) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
  }

  /** Adds one file. `name` uses forward slashes. */
  async add(name: string, data: Uint8Array, crc32: number): Promise<ZipEntry> {
    const nameBytes = this.enc.encode(name);
    const size = data.length;
    const zip64 = size >= MAX32;
    const extra = zip64 ? 20 : 0;
    const h = new DataView(new ArrayBuffer(30 + nameBytes.length + extra));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, zip64 ? 45 : 20, true);
    h.setUint16(6, UTF8_NAMES, true);
    h.setUint16(8, 0, true); // stored
    h.setUint16(10, this.time, true);
    h.setUint16(12, this.date, true);
    h.setUint32(14, crc32, true);
    h.setUint32(18, zip64 ? MAX32 : size, true);
    h.setUint32(22, zip64 ? MAX32 : size, true);
    h.setUint16(26, nameBytes.length, true);
    h.setUint16(28, extra, true);
    new Uint8Array(h.buffer).set(nameBytes, 30);
    if (zip64) {
      const x = 30 + nameBytes.length;
      h.setUint16(x, 0x0001, true);
      h.setUint16(x + 2, 16, true);
      h.setBigUint64(x + 4, BigInt(size), true);
      h.setBigUint64(x + 12, BigInt(size), true);
    }
    const entry: ZipEntry = {
      name,
      size,
      crc32,
      headerOffset: this.offset,
      dataOffset: this.offset + h.byteLength,
    };
    await this.out(new Uint8Array(h.buffer));
    if (size) await this.out(data);
    this.offset += h.byteLength + size;
    this.entries.push(entry);
    return entry;
  }

  /** Writes the central directory and the end records; returns every entry's position. */
  async finish(): Promise<ZipEntry[]> {
    const cdStart = this.offset;
    const records: Uint8Array[] = this.entries.map((e) => this.central(e));
    const cdSize = records.reduce((n, r) => n + r.length, 0);
    const end: Uint8Array[] = [];
    const needZip64 = this.entries.length >= MAX16 || cdStart >= MAX32 || cdSize >= MAX32;
    if (needZip64) {
      const z = new DataView(new ArrayBuffer(56 + 20));
      z.setUint32(0, 0x06064b50, true);
      z.setBigUint64(4, 44n, true);
      z.setUint16(12, 45, true);
      z.setUint16(14, 45, true);
      z.setBigUint64(24, BigInt(this.entries.length), true);
      z.setBigUint64(32, BigInt(this.entries.length), true);
      z.setBigUint64(40, BigInt(cdSize), true);
      z.setBigUint64(48, BigInt(cdStart), true);
      // Zip64 end of central directory locator.
      z.setUint32(56, 0x07064b50, true);
      z.setBigUint64(64, BigInt(cdStart + cdSize), true);
      z.setUint32(72, 1, true);
      end.push(new Uint8Array(z.buffer));
    }
    const e = new DataView(new ArrayBuffer(22));
    e.setUint32(0, 0x06054b50, true);
    e.setUint16(8, Math.min(this.entries.length, MAX16), true);
    e.setUint16(10, Math.min(this.entries.length, MAX16), true);
    e.setUint32(12, Math.min(cdSize, MAX32), true);
    e.setUint32(16, Math.min(cdStart, MAX32), true);
    end.push(new Uint8Array(e.buffer));
    // The central directory is small (about 100 bytes per file): write it in one piece.
    const tail = new Uint8Array(cdSize + end.reduce((n, b) => n + b.length, 0));
    let p = 0;
    for (const r of [...records, ...end]) {
      tail.set(r, p);
      p += r.length;
    }
    await this.out(tail);
    this.offset += tail.length;
    return this.entries;
  }

  private central(e: ZipEntry): Uint8Array {
    const name = this.enc.encode(e.name);
    const bigSize = e.size >= MAX32;
    const bigOffset = e.headerOffset >= MAX32;
    const extraLen = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
    const c = new DataView(new ArrayBuffer(46 + name.length + extraLen));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 45, true); // made by: spec 4.5, MS-DOS attributes
    c.setUint16(6, bigSize || bigOffset ? 45 : 20, true);
    c.setUint16(8, UTF8_NAMES, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, this.time, true);
    c.setUint16(14, this.date, true);
    c.setUint32(16, e.crc32, true);
    c.setUint32(20, bigSize ? MAX32 : e.size, true);
    c.setUint32(24, bigSize ? MAX32 : e.size, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, extraLen, true);
    c.setUint32(42, bigOffset ? MAX32 : e.headerOffset, true);
    new Uint8Array(c.buffer).set(name, 46);
    if (extraLen) {
      let x = 46 + name.length;
      c.setUint16(x, 0x0001, true);
      c.setUint16(x + 2, extraLen - 4, true);
      x += 4;
      if (bigSize) {
        c.setBigUint64(x, BigInt(e.size), true);
        c.setBigUint64(x + 8, BigInt(e.size), true);
        x += 16;
      }
      if (bigOffset) c.setBigUint64(x, BigInt(e.headerOffset), true);
    }
    return new Uint8Array(c.buffer);
  }
}
