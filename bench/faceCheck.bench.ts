/**
 * The face check's costs: `npx tsx bench/faceCheck.bench.ts`. Model load, scene preparation,
 * render per view, detection per view and the whole check (18 views before and after), on the
 * UNC cadaver CT (when ../shared/data/heads is present) and a 256×256×200 phantom head. One
 * thread, as in a worker. Timings live here, never in tests.
 */
import { planDeface } from '../src/pixels/deface/deface.ts';
import { applyCut } from '../src/pixels/deface/fill.ts';
import { copyFrames } from '../src/pixels/deface/testCheck.ts';
import { headsPresent, readHead } from '../src/pixels/deface/testHeads.ts';
import { type Voxels, voxelsOf } from '../src/pixels/deface/Voxels.ts';
import { faceCheck, faceCheckScenes, faceCheckView } from '../src/pixels/faceCheck/faceCheck.ts';
import { nodeFaceDetector } from '../src/pixels/faceCheck/node.ts';
import { patientFrame } from '../src/pixels/render/camera.ts';
import { renderSkin, skinScene } from '../src/pixels/render/skin.ts';
import { balls, evenly, phantomCT } from '../src/pixels/render/testPhantom.ts';

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let t = performance.now();
const detector = await nodeFaceDetector();
console.log(`model load (SSD MobileNet v1, tfjs ${detector.backend}): ${ms(t)}`);

const perView = async (label: string, v: Voxels, frame = patientFrame([0, 0, 0])) => {
  t = performance.now();
  const scene = skinScene(v, { frame });
  console.log(`${label}: scene ${ms(t)}`);
  const render: number[] = [];
  const detect: number[] = [];
  for (const yaw of [-60, -45, -30, -15, 0, 15, 30, 45, 60]) {
    t = performance.now();
    const img = renderSkin(scene, { yaw, pitch: 0, size: 256 });
    render.push(performance.now() - t);
    t = performance.now();
    await detector.detect(img);
    detect.push(performance.now() - t);
  }
  console.log(
    `${label}: render ${median(render).toFixed(0)} ms per view (median of 9, first ${render[0]!.toFixed(0)}), detection ${median(detect).toFixed(0)} ms per view`,
  );
};

// A 256×256×200 head-sized phantom, 1 mm pixels, 1 mm slices.
const phantom = phantomCT(
  balls([
    { centre: [0, 0, 0], radius: 80 },
    { centre: [0, -82, -20], radius: 16 },
    { centre: [84, 0, 0], radius: 12 },
    { centre: [-84, 0, 0], radius: 12 },
  ]),
  {
    rowCosines: [1, 0, 0],
    columnCosines: [0, 1, 0],
    pixelSpacing: [1, 1],
    rows: 256,
    columns: 256,
    offsets: evenly(200, 1),
    centre: [0, 0, -99.5],
  },
);
await perView('phantom 256×256×200', phantom);

if (headsPresent) {
  const { voxels, frames } = readHead('ct-unc-cthead');
  const plan = planDeface(voxels);
  if (plan.verdict.kind === 'defaced') {
    const after = copyFrames(frames);
    applyCut(voxels, plan.verdict.cut, after, plan.verdict.fill.stored);
    const defaced = voxelsOf(voxels.volume, after, voxels.modality, voxels.rescale);
    const options = { frame: plan.verdict.axes, mask: plan.mask };
    t = performance.now();
    const scenes = faceCheckScenes(voxels, defaced, options);
    console.log(`CT 256×256×113: both scenes ${ms(t)}`);
    const render: number[] = [];
    for (const yaw of [-60, -30, 0, 30, 60]) {
      t = performance.now();
      faceCheckView(scenes.before, yaw, 0);
      render.push(performance.now() - t);
    }
    console.log(`CT 256×256×113: face-check view ${median(render).toFixed(0)} ms (median of 5)`);
    t = performance.now();
    const r = await faceCheck(voxels, defaced, detector, options);
    console.log(`CT 256×256×113: whole check (18 views × 2) ${ms(t)}: ${r.message}`);
  }
} else console.log('CT: ../shared/data/heads is absent, skipped');
