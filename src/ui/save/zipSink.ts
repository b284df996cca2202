import * as Comlink from 'comlink';
import type { ZipStagingApi } from '../../../workers/zip.worker.ts';
import type { Sink, Written } from './sink.ts';
import { type ZipEntry, ZipWriter } from './zip.ts';

/**
 * A zip built as outputs complete, staged on disk in the origin-private file system and then
 * downloaded in one go. The fast path is a worker writing through a synchronous access handle;
 * where a browser lacks that, the page writes the zip itself (to private storage, else to a list
 * of Blobs, which browsers keep out of the page's memory).
 */

const STAGING_PREFIX = 'veil-output-';

let worker: Comlink.Remote<ZipStagingApi> | undefined;

/** Starts the zip worker (at start-up, so nothing is fetched once the app is ready). */
export const startZipWorker = (): void => {
  worker ??= Comlink.wrap<ZipStagingApi>(
    new Worker(new URL('../../../workers/zip.worker.ts', import.meta.url), { type: 'module', name: 'veil-zip' }),
  );
};

/** Resolves once the zip worker has loaded. */
export const zipWorkerReady = async (): Promise<void> => {
  await worker?.discard();
};

/** Where the zip's bytes go while it is being built. */
interface Staging {
  add(name: string, bytes: Uint8Array, crc32: number): Promise<void>;
  /** Finishes the zip; returns the file and where each entry's bytes are in it. */
  finish(): Promise<{ file: Blob; entries: ZipEntry[] }>;
  discard(): Promise<void>;
}

/** A buffer holding exactly these bytes, so transferring it moves nothing else. */
const own = (b: Uint8Array): Uint8Array => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice());

const workerStaging = async (name: string): Promise<Staging | undefined> => {
  if (!worker || !(await worker.open(name).catch(() => false))) return undefined;
  const w = worker;
  return {
    add: (path, bytes, crc) => {
      const b = own(bytes);
      return w.add(path, Comlink.transfer(b, [b.buffer as ArrayBuffer]), crc);
    },
    finish: async () => {
      const entries = await w.finish();
      const root = await navigator.storage.getDirectory();
      return { file: await (await root.getFileHandle(name)).getFile(), entries };
    },
    discard: () => w.discard(),
  };
};

/** The page writes the zip itself: to a private-storage file, or to Blobs. */
const pageStaging = async (name: string): Promise<Staging> => {
  let write: (chunk: Uint8Array) => Promise<void>;
  let done: () => Promise<Blob>;
  let discard: () => Promise<void>;
  try {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    write = (chunk) => writable.write(chunk as Uint8Array<ArrayBuffer>);
    done = async () => {
      await writable.close();
      return handle.getFile();
    };
    discard = async () => {
      await writable.abort().catch(() => undefined);
      await root.removeEntry(name).catch(() => undefined);
    };
  } catch {
    let parts: Blob[] = [];
    // Wrapping each chunk in a Blob hands its bytes to the browser's blob store at once.
    write = async (chunk) => {
      parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
    };
    done = async () => new Blob(parts, { type: 'application/zip' });
    discard = async () => {
      parts = [];
    };
  }
  const zip = new ZipWriter(write);
  return {
    add: (path, bytes, crc) => zip.add(path, bytes, crc).then(() => undefined),
    finish: async () => {
      const entries = await zip.finish();
      return { file: await done(), entries };
    },
    discard: () => discard(),
  };
};

/**
 * Removes zips staged by earlier runs (at start-up, at the next run, on "forget everything"),
 * except the one named `keep`. Nothing of a session should stay on disk longer than the user
 * needs to download it.
 */
export const clearStagedZips = async (keep?: string): Promise<void> => {
  try {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const h of root.values()) if (h.name.startsWith(STAGING_PREFIX) && h.name !== keep) names.push(h.name);
    for (const n of names) await root.removeEntry(n).catch(() => undefined);
  } catch {
    // No private file system: nothing was staged.
  }
};

export class ZipSink implements Sink {
  readonly label = 'the zip file';
  private result: Blob | undefined;

  private constructor(
    private readonly staging: Staging,
    /** The staged file's name in private storage. */
    readonly staged: string,
  ) {}

  static async create(): Promise<ZipSink> {
    // A new name per run: a download of the previous zip may still be reading its file.
    const name = `${STAGING_PREFIX}${Date.now()}.zip`;
    return new ZipSink((await workerStaging(name)) ?? (await pageStaging(name)), name);
  }

  /** Writes one output; its buffer may be transferred away, so the caller must not use it after. */
  write(path: string, bytes: Uint8Array, crc32: number): Promise<void> {
    return this.staging.add(path, bytes, crc32);
  }

  async close(): Promise<Written[]> {
    const { file, entries } = await this.staging.finish();
    this.result = file;
    // Each entry is stored, not compressed: its bytes in the zip are exactly the file. Sliced when
    // the leak check asks, a batch at a time: 600 slices made here at once held the page 0.12 s.
    return entries.map((e) => ({
      path: e.name,
      get blob() {
        return file.slice(e.dataOffset, e.dataOffset + e.size);
      },
    }));
  }

  /** The finished zip, once closed. */
  get blob(): Blob | undefined {
    return this.result;
  }

  async abort(): Promise<void> {
    await this.staging.discard();
    // Cancelled after the zip was finished (during the leak check): remove the finished file too.
    if (this.result) await clearStagedZips();
    this.result = undefined;
  }
}
