/**
 * Defacing speed and memory, one thread, decode excluded (issue 4: under 2 s per 256×256×200
 * volume, memory under 4× the volume's size). Run: npx tsx bench/deface.bench.ts
 *
 * The volume is the shared real CT head (256×256×113, 1 mm × 1 mm × 2 mm) resliced to 200 slices
 * of 1 mm by nearest neighbour, so the masks and the cut see a real head at the target size; the
 * synthetic geometry is axial, head first supine.
 */
import { existsSync } from 'node:fs';
import { planDeface } from '../src/pixels/deface/deface.ts';
import { applyCut } from '../src/pixels/deface/fill.ts';
import { HEADS, headsPresent, readHead } from '../src/pixels/deface/testHeads.ts';
import { voxelsOf } from '../src/pixels/deface/Voxels.ts';
import { assembleVolume } from '../src/pixels/geometry/Volume.ts';

if (!headsPresent || !existsSync(HEADS)) {
  console.log(`deface bench: ${HEADS} is absent, nothing to measure`);
  process.exit(0);
}

const SLICES = 200;
const ct = readHead('ct-unc-cthead');
const src = ct.volume;
const plane = src.columns * src.rows;
// 200 slices 1 mm apart over the same 224 mm span, each taking the nearest source slice.
const spacing = src.extent / (SLICES - 1);
const first = src.frames[0]!;
const frames = Array.from({ length: SLICES }, (_, k) => ({
  ...first,
  imagePositionPatient: [
    first.imagePositionPatient[0],
    first.imagePositionPatient[1],
    first.imagePositionPatient[2] + k * spacing,
  ] as const,
  source: { ...first.source, instance: k, instanceNumber: k + 1 },
}));
const assembled = assembleVolume(frames);
if (!assembled.ok) throw new Error(assembled.error.message);
const volume = assembled.value;
const stored = Array.from({ length: SLICES }, (_, k) => {
  const nearest = Math.min(src.frames.length - 1, Math.round((k * spacing) / src.sliceSpacing));
  return ct.frames[nearest]!.slice();
});
const volumeBytes = plane * SLICES * 2;

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
const runs: number[] = [];
let peak = 0;
for (let run = 0; run < 4; run++) {
  const frames = stored.map((f) => f.slice());
  global.gc?.();
  const base = process.memoryUsage();
  const baseline = base.heapUsed + base.arrayBuffers;
  let high = 0;
  const sample = () => {
    const m = process.memoryUsage();
    high = Math.max(high, m.heapUsed + m.arrayBuffers - baseline);
  };
  const t0 = performance.now();
  const voxels = voxelsOf(volume, frames, 'CT', ct.voxels.rescale);
  sample();
  const plan = planDeface(voxels);
  sample();
  if (plan.verdict.kind !== 'defaced') throw new Error(`not defaced: ${JSON.stringify(plan.verdict)}`);
  applyCut(voxels, plan.verdict.cut, frames, plan.verdict.fill.stored);
  const ms = performance.now() - t0;
  sample();
  runs.push(ms);
  peak = Math.max(peak, high);
  if (run === 0) console.log(`verdict: ${plan.verdict.message}`);
}
const best = Math.min(...runs);
console.log(
  `deface 256×256×${SLICES} CT (${mb(volumeBytes)} stored): ${runs.map((r) => `${(r / 1000).toFixed(2)} s`).join(', ')}; best ${(best / 1000).toFixed(2)} s (target < 2 s), decode excluded`,
);
console.log(
  `memory: peak ${mb(peak)} above the input frames = ${(peak / volumeBytes).toFixed(1)}× the volume (target < 4×); heap + ArrayBuffers measured after each stage (voxels, masks and cut, fill), with gc before the run when node has --expose-gc`,
);

// The real sagittal T1 (256×256×35, 4.8 mm slices): the MR brain mask's cost, at its own size.
{
  const mr = readHead('mr-decubitus-hfs');
  const times: number[] = [];
  for (let run = 0; run < 4; run++) {
    const frames = mr.frames.map((f) => f.slice());
    const t0 = performance.now();
    const voxels = voxelsOf(mr.volume, frames, 'MR', mr.voxels.rescale);
    const plan = planDeface(voxels);
    if (plan.verdict.kind !== 'defaced') throw new Error(`MR not defaced: ${JSON.stringify(plan.verdict)}`);
    applyCut(voxels, plan.verdict.cut, frames, plan.verdict.fill.stored);
    times.push(performance.now() - t0);
    if (run === 0) console.log(`MR verdict: ${plan.verdict.message}`);
  }
  console.log(
    `deface 256×256×35 MR: ${times.map((r) => `${(r / 1000).toFixed(2)} s`).join(', ')}; best ${(Math.min(...times) / 1000).toFixed(2)} s, decode excluded`,
  );
}

// Decode time beside it (decode is excluded above): the real CT compressed by DCMTK with JPEG-LS
// and JPEG Lossless, decoded into voxels through the codecs as the series call does.
{
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { readDicom } = await import('../src/dicom/read.ts');
  const { decodeVoxels } = await import('../src/pixels/deface/readVoxels.ts');
  const tmp = mkdtempSync(join(tmpdir(), 'veil-deface-bench-'));
  try {
    const src = join(HEADS, 'ct-unc-cthead');
    const names = readdirSync(src).filter((f) => f.endsWith('.dcm'));
    for (const [label, tool, args] of [
      ['JPEG-LS', 'dcmcjpls', []],
      ['JPEG Lossless', 'dcmcjpeg', ['+el']],
    ] as const) {
      const files = names.map((n) => {
        const out = join(tmp, `${label}-${n}`);
        const r = spawnSync(tool, [...args, join(src, n), out]);
        if (r.status !== 0) throw new Error(`${tool} failed: is DCMTK installed?`);
        const f = readDicom(new Uint8Array(readFileSync(out)));
        if (!f.ok) throw new Error(f.error.message);
        return f.value;
      });
      const times: number[] = [];
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        const v = await decodeVoxels(files);
        if (!v.ok) throw new Error(v.error.message);
        times.push(performance.now() - t0);
      }
      console.log(
        `decode 256×256×${names.length} CT, ${label}: best ${(Math.min(...times) / 1000).toFixed(2)} s (the series call decodes before it defaces)`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
