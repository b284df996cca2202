import { stamp } from '../format.ts';
import type { Sink, Written } from './sink.ts';

/**
 * Writes into a folder the user picked (File System Access API). Inside it, a new folder
 * "Veil <date time>" holds `anonymized/` (the output tree: safe to share as it is) and, beside
 * it, the report, which names the input files and so stays out of what is shared.
 */
export class FolderSink implements Sink {
  readonly label: string;
  private readonly written: { path: string; handle: FileSystemFileHandle }[] = [];
  private readonly dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();

  private constructor(
    private readonly parent: FileSystemDirectoryHandle,
    private readonly run: FileSystemDirectoryHandle,
    private readonly runName: string,
  ) {
    this.label = `the folder “${parent.name}/${runName}”`;
  }

  /** Creates the run folder inside the picked one. */
  static async create(parent: FileSystemDirectoryHandle): Promise<FolderSink> {
    const name = `Veil ${stamp()}`;
    const run = await parent.getDirectoryHandle(name, { create: true });
    return new FolderSink(parent, run, name);
  }

  /** The folder for a path's parent, created once even when many writes ask at the same time. */
  private dirOf(parts: string[]): Promise<FileSystemDirectoryHandle> {
    const key = parts.join('/');
    let d = this.dirs.get(key);
    if (!d) {
      d =
        parts.length === 0
          ? this.run.getDirectoryHandle('anonymized', { create: true })
          : this.dirOf(parts.slice(0, -1)).then((p) => p.getDirectoryHandle(parts.at(-1)!, { create: true }));
      this.dirs.set(key, d);
    }
    return d;
  }

  async write(path: string, bytes: Uint8Array): Promise<void> {
    const parts = path.split('/');
    const name = parts.pop()!;
    const dir = await this.dirOf(parts);
    const handle = await dir.getFileHandle(name, { create: true });
    const w = await handle.createWritable();
    await w.write(bytes as Uint8Array<ArrayBuffer>);
    await w.close();
    this.written.push({ path, handle });
  }

  async writeBeside(name: string, text: string): Promise<void> {
    const handle = await this.run.getFileHandle(name, { create: true });
    const w = await handle.createWritable();
    await w.write(text);
    await w.close();
  }

  async close(): Promise<Written[]> {
    // Re-read from disk: the leak check must see what was actually written.
    return Promise.all(this.written.map(async (w) => ({ path: w.path, blob: await w.handle.getFile() })));
  }

  async abort(): Promise<void> {
    await this.parent.removeEntry(this.runName, { recursive: true }).catch(() => undefined);
  }
}
