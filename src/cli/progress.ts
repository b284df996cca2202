import { formatBytes } from '../dicom/ReadError.ts';

/**
 * Progress on stderr: files done of total, bytes read, rate. On a terminal one line is
 * rewritten in place a few times a second; otherwise (a log, a test) a line every few seconds.
 * It shows counts only, never file names (they often name the patient).
 */
export class Progress {
  private done = 0;
  private bytes = 0;
  private last = 0;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
    private readonly enabled = true,
  ) {}

  /** Counts one finished file of `size` bytes. */
  tick(size: number): void {
    this.done++;
    this.bytes += size;
    const now = performance.now();
    if (now - this.last < (this.tty ? 200 : 5000) && this.done < this.total) return;
    this.last = now;
    this.print(false);
  }

  /** Prints the final state and ends the line. */
  finish(): void {
    if (this.tty) this.print(true);
  }

  private print(final: boolean): void {
    if (!this.enabled) return;
    const seconds = Math.max((performance.now() - this.started) / 1000, 0.001);
    const line = `Veil: ${this.done}/${this.total} files · ${formatBytes(this.bytes)} · ${formatBytes(Math.round(this.bytes / seconds))}/s`;
    this.write(this.tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  }
}
