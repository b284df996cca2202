import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { runJob, scanJob } from './job.ts';
import type { Job, Reply, WorkerSetup } from './protocol.ts';

/**
 * A CLI worker thread, thin on purpose: each job names a file, `runJob` reads, de-identifies and
 * writes it, and only the small result goes back to the main thread. Outputs go to this worker's
 * own staging subfolder, named by job id (unique in the run).
 */
const { plan, stageDir } = workerData as WorkerSetup;
const ownDir = join(stageDir, `w${threadId}`);
let ownDirMade = false;

parentPort!.on('message', ({ id, ...job }: Job) => {
  if (!ownDirMade) {
    // Made on first use, not at start-up: the main thread creates the staging folder meanwhile.
    // Should it fail, writing the output fails too, and says why.
    try {
      mkdirSync(ownDir, { recursive: true });
      ownDirMade = true;
    } catch {}
  }
  const spent = { read: 0, engine: 0, write: 0 };
  const batchPlan = job.extraIdentity ? { ...plan, extraIdentity: [...job.extraIdentity] } : plan;
  const result = job.scan
    ? scanJob(job.path, plan.options)
    : runJob({ ...job, stagePath: join(ownDir, String(id).padStart(8, '0')) }, batchPlan, spent);
  const reply: Reply = { id, spent, ...result };
  parentPort!.postMessage(reply);
});
