import { parentPort, workerData } from 'node:worker_threads';
import { anonymize } from '../deid/anonymize.ts';
import type { Outcome } from '../deid/Outcome.ts';
import type { Job, Reply, WorkerSetup } from './protocol.ts';

/**
 * A CLI worker thread, thin on purpose: the same engine call as the app's Web Worker
 * (`anonymize`, which reads, de-identifies, writes, re-reads and verifies), with the output bytes
 * transferred back, not copied.
 */
const { plan } = workerData as WorkerSetup;

const handle = (job: Job): { reply: Reply; transfer: ArrayBuffer[] } => {
  const { id, name } = job;
  let outcome: Outcome;
  try {
    outcome = anonymize(new Uint8Array(job.buffer), plan, name);
  } catch (e) {
    // anonymize promises not to throw; if it does, the file is withheld, not lost.
    outcome = { status: 'withheld', reason: `${name}: internal error (${(e as Error)?.message ?? e})` };
  }
  if (outcome.status === 'withheld') {
    const { reason, original } = outcome;
    return { reply: { id, status: 'withheld', reason, ...(original ? { original } : {}) }, transfer: [] };
  }
  if (outcome.status === 'skipped') return { reply: { id, status: 'skipped', what: outcome.what }, transfer: [] };
  const b = outcome.bytes;
  // Transfer exactly the output: copy only if it is a view into a larger buffer.
  const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
  const buffer = whole ? (b.buffer as ArrayBuffer) : b.slice().buffer;
  // Older engines had no identity field: treat it as none.
  const identity = (outcome as { identity?: unknown }).identity;
  const reply: Reply = {
    id,
    status: 'anonymized',
    buffer,
    info: outcome.info,
    identity: Array.isArray(identity) ? identity.filter((s): s is string => typeof s === 'string') : [],
    counts: outcome.counts,
    notes: outcome.notes,
  };
  return { reply, transfer: [buffer] };
};

parentPort!.on('message', (job: Job) => {
  const { reply, transfer } = handle(job);
  parentPort!.postMessage(reply, transfer);
});
