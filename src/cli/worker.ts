import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { runJob, runSeriesJob, scanJob } from './job.ts';
import type { Job, JobResult, Reply, WorkerSetup } from './protocol.ts';

/**
 * A CLI worker thread, thin on purpose: each job names a file (or the files of a series),
 * `runJob`/`runSeriesJob` read, de-identify and write them, and only the small result goes back
 * to the main thread. The OCR engine (tesseract.js, its own worker thread) is loaded by the first
 * image that needs it and shared by every later one; it ends with this thread when the pool
 * terminates it. Outputs go to this worker's own staging subfolder, named by job id (unique
 * in the run). Jobs run one after another, never interleaved: a series job awaits its decoders,
 * and a second series started meanwhile would hold a second volume in memory.
 */
const { plan, stageDir } = workerData as WorkerSetup;
const ownDir = join(stageDir, `w${threadId}`);
let ownDirMade = false;
let queue: Promise<void> = Promise.resolve();

const handle = async ({ id, ...job }: Job): Promise<void> => {
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
  const stagePath = join(ownDir, String(id).padStart(8, '0'));
  let result: JobResult;
  if (job.scan) result = scanJob(job.path, plan.options);
  else if (job.series) result = await runSeriesJob(job.series, stagePath, batchPlan, spent);
  else result = await runJob({ ...job, stagePath }, batchPlan, spent);
  const reply: Reply = { id, spent, ...result };
  parentPort!.postMessage(reply);
};

parentPort!.on('message', (job: Job) => {
  queue = queue.then(() => handle(job));
});
