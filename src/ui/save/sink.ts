/**
 * Where outputs go as they complete: a zip (staged on disk in the browser's private storage and
 * then downloaded) or a folder the user picked. Either way each output is written and dropped
 * at once, so memory stays bounded whatever the size of the CD.
 */

/** A written output, as it can be re-read for the leak check. */
export interface Written {
  path: string;
  blob: Blob;
}

export interface Sink {
  /** Plain words for the status line: "the zip file", "the folder Veil 2024-01-31 14.05". */
  readonly label: string;
  /** Writes one output file at a path inside the output tree. */
  write(path: string, bytes: Uint8Array, crc32: number): Promise<void>;
  /** Finishes writing; returns every written file, re-readable from where it was written. */
  close(): Promise<Written[]>;
  /** Writes the report beside the output tree, where there is a beside (folders only). */
  writeBeside?(name: string, text: string): Promise<void>;
  /** Stops and removes what was written so far. */
  abort(): Promise<void>;
}
