/// <reference lib="webworker" />
/**
 * The zip writer's worker: it owns the zip file in the origin-private file system through a
 * synchronous access handle, so each output is written straight to disk with one call — no copy
 * through the page and no swap file. The page transfers each output here and forgets it.
 */
import * as Comlink from 'comlink';
import { type ZipEntry, ZipWriter } from '../src/ui/save/zip.ts';

/** What the page can ask of the zip worker. */
export interface ZipStagingApi {
  /** Creates the zip file; false when this browser cannot write to private storage from a worker. */
  open(name: string): Promise<boolean>;
  /** Appends one file (its bytes are transferred). */
  add(name: string, bytes: Uint8Array, crc32: number): Promise<void>;
  /** Writes the central directory and closes the file; returns where each entry's bytes are. */
  finish(): Promise<ZipEntry[]>;
  /** Closes and deletes the file. */
  discard(): Promise<void>;
}

interface Open {
  name: string;
  root: FileSystemDirectoryHandle;
  handle: FileSystemSyncAccessHandle;
  zip: ZipWriter;
}

let current: Open | undefined;

const api: ZipStagingApi = {
  async open(name) {
    await api.discard();
    try {
      const root = await navigator.storage.getDirectory();
      const file = await root.getFileHandle(name, { create: true });
      if (typeof file.createSyncAccessHandle !== 'function') return false;
      const handle = await file.createSyncAccessHandle();
      handle.truncate(0);
      let at = 0;
      const zip = new ZipWriter(async (chunk) => {
        let done = 0;
        // write() may write less than asked (a full disk writes nothing): loop, and fail loudly.
        while (done < chunk.length) {
          const n = handle.write(chunk.subarray(done), { at: at + done });
          if (n <= 0) throw new Error('the disk is full or the file cannot be written');
          done += n;
        }
        at += chunk.length;
      });
      current = { name, root, handle, zip };
      return true;
    } catch {
      return false;
    }
  },

  async add(name, bytes, crc32) {
    if (!current) throw new Error('the zip is not open');
    await current.zip.add(name, bytes, crc32);
  },

  async finish() {
    if (!current) throw new Error('the zip is not open');
    const entries = await current.zip.finish();
    current.handle.flush();
    current.handle.close();
    current = undefined;
    return entries;
  },

  async discard() {
    if (!current) return;
    const { root, name, handle } = current;
    current = undefined;
    try {
      handle.close();
    } catch {
      // already closed
    }
    await root.removeEntry(name).catch(() => undefined);
  },
};

Comlink.expose(api);
