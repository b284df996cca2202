import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Synchronous whole-file I/O for the CLI's worker threads. Blocking is right there: a worker
 * has one file at a time, and the sync calls skip the thread-pool round trips of fs/promises.
 */

/**
 * Reads into `into` from `fd` at `position` until it is full or the file ends; returns how many
 * bytes were read (fewer only at end of file).
 */
export const readFully = (fd: number, into: Uint8Array, position: number): number => {
  let n = 0;
  while (n < into.length) {
    const got = readSync(fd, into, n, into.length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return n;
};

/**
 * A buffer of exactly `size` bytes that is not zero-filled, for a read that overwrites it: the
 * caller must hand on only the bytes it read. A plain Uint8Array over its own ArrayBuffer, not a
 * Buffer, whose slice() shares memory where the engine expects Uint8Array's copy.
 */
export const uninitialized = (size: number): Uint8Array => {
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Writes all of `bytes` to `path`, creating it or replacing what an earlier attempt left there. */
export const writeWhole = (path: string, bytes: Uint8Array): void => {
  const fd = openSync(path, 'w');
  try {
    let n = 0;
    while (n < bytes.length) n += writeSync(fd, bytes, n, bytes.length - n);
  } finally {
    closeSync(fd);
  }
};

/** An I/O error in a few words: its code (ENOENT, EACCES, ENOSPC…) or its message. */
export const describeError = (e: unknown): string =>
  (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
