import { cross, dot, sub, type Vec3 } from '../geometry/vec3.ts';
import type { WorkGrid } from './grid.ts';
import { cellToPatient, headAxes } from './headAxes.ts';
import { dilate, fillHoles3D } from './morphology.ts';
import type { Voxels } from './Voxels.ts';

/**
 * The dark layer under the brain of a T1 MR, added to its mask: the CSF, meninges and cortical bone
 * between the brain's underside and the bright marrow and fat of the skull base (the cribriform
 * plate and crista galli, the floor of the middle cranial fossa, the clivus), which a T1 shows as
 * dark as the bone itself. An intensity band cannot tell that CSF from bone, and brain extractions
 * take it in: Colin27's own (ch2bet) reaches 4–6 mm below our band's mask at the olfactory sulci,
 * the inferior temporal gyri and the medulla, which is exactly where the fan's anterior-inferior
 * planes are fitted. The layer is taken only beneath the mask (along the head's inferior, from its
 * axes), so the forehead and the orbits in front of the brain cost nothing.
 *
 * A dark cell (not `bright`) within `mm` of the mask is added when the mask lies straight above
 * it within `mm`. Returns a new mask with the holes filled.
 */
export const darkLayerBeneath = (
  v: Voxels,
  w: WorkGrid,
  brain: Uint8Array,
  bright: Uint8Array,
  mm: number,
): Uint8Array => {
  const superior = headAxes(v, w, brain).superior;
  // The head's superior as a step in cell indexes: solve M·d = superior, M's columns the cell steps.
  const o = cellToPatient(v, w, 0, 0, 0);
  const a = sub(cellToPatient(v, w, 1, 0, 0), o);
  const b = sub(cellToPatient(v, w, 0, 1, 0), o);
  const c = sub(cellToPatient(v, w, 0, 0, 1), o);
  // The triple product [x y z] (Cramer's rule).
  const det = (x: Vec3, y: Vec3, z: Vec3) => dot(x, cross(y, z));
  const whole = det(a, b, c);
  const out = brain.slice();
  if (Math.abs(whole) < 1e-9) return out;
  const d = [det(superior, b, c) / whole, det(a, superior, c) / whole, det(a, b, superior) / whole] as const;
  const [nx, ny, nz] = w.dims;
  const near = dilate(brain, w, mm);
  // Half the finest spacing: no cell along the way is stepped over.
  const step = Math.min(...w.spacing) / 2;
  for (let p = 0; p < brain.length; p++) {
    if (brain[p] || bright[p] || !near[p]) continue;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / (nx * ny));
    for (let t = step; t <= mm; t += step) {
      const ii = Math.round(i + d[0] * t);
      const jj = Math.round(j + d[1] * t);
      const kk = Math.round(k + d[2] * t);
      if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) break;
      if (brain[ii + nx * (jj + ny * kk)]) {
        out[p] = 1;
        break;
      }
    }
  }
  return fillHoles3D(out, w);
};
