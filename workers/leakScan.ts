import { IdentityMatcher } from '../src/deid/handlers/Text.ts';
import { scanForLeaks } from '../src/deid/LeakScan.ts';
import { readDicom } from '../src/dicom/read.ts';
import type { ScanResult, WrittenRef } from './api.ts';

/**
 * The leak check after saving (issue 3): each written output re-read from what was written
 * (a Blob of the zip or of the chosen folder), and every text value searched for the identifying
 * strings of the input. One file at a time: each is read whole, and a worker holds one at most.
 */
export const scanWritten = async (items: readonly WrittenRef[], needles: readonly string[]): Promise<ScanResult[]> => {
  const matcher = new IdentityMatcher(needles);
  const out: ScanResult[] = [];
  for (const it of items) {
    try {
      out.push(await scanOne(it.id, it.blob, matcher));
    } catch (e) {
      out.push({ id: it.id, found: [], error: `could not be re-read (${(e as Error).message})` });
    }
  }
  return out;
};

const scanOne = async (id: number, blob: Blob, matcher: IdentityMatcher): Promise<ScanResult> => {
  const r = readDicom(new Uint8Array(await blob.arrayBuffer()));
  if (!r.ok) return { id, found: [], error: r.error.message };
  const leaks = [...scanForLeaks(r.value.meta, matcher, false), ...scanForLeaks(r.value.dataset, matcher, false)];
  return { id, found: [...new Set(leaks.map((l) => l.found))] };
};
