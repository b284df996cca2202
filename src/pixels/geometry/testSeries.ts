import { expect } from 'vitest';
import { build } from '../../../test/build.ts';
import type { Dataset } from '../../dicom/Dataset.ts';
import type { FrameGeometry } from './FrameGeometry.ts';
import { seriesFrames } from './readFrames.ts';
import { type AssembleOptions, assembleVolume, type Volume } from './Volume.ts';
import { add, cross, dot, scale, type Vec3 } from './vec3.ts';

/**
 * Synthetic headers for the geometry tests (test data only): just the attributes that place an
 * image in patient space, built through the repo's Dataset model.
 */

/** ImageOrientationPatient values: row direction cosines, then column direction cosines. */
export type Orientation = readonly [number, number, number, number, number, number];

/** Orientations as a head-first-supine scanner writes them. */
export const AXIAL: Orientation = [1, 0, 0, 0, 1, 0];
export const CORONAL: Orientation = [1, 0, 0, 0, 0, -1];
export const SAGITTAL: Orientation = [0, 1, 0, 0, 0, -1];

export const rowOf = (o: Orientation): Vec3 => [o[0], o[1], o[2]];
export const columnOf = (o: Orientation): Vec3 => [o[3], o[4], o[5]];
export const normalOf = (o: Orientation): Vec3 => cross(rowOf(o), columnOf(o));

/** Rotates v about a unit axis by degrees (Rodrigues). */
export const rotate = (v: Vec3, axis: Vec3, degrees: number): Vec3 => {
  const a = (degrees * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return add(add(scale(v, c), scale(cross(axis, v), s)), scale(axis, dot(axis, v) * (1 - c)));
};

/** An orientation rotated about a patient axis. */
export const rotateOrientation = (o: Orientation, axis: Vec3, degrees: number): Orientation => {
  const r = rotate(rowOf(o), axis, degrees);
  const c = rotate(columnOf(o), axis, degrees);
  return [...r, ...c];
};

/** One slice's placement. */
export interface SliceSpec {
  position: Vec3;
  orientation: Orientation;
  rows?: number;
  columns?: number;
  pixelSpacing?: readonly [number, number];
  frameOfReferenceUID?: string;
  instanceNumber?: number;
}

/** A DS value as a header holds it: at most 16 characters. */
export const ds = (xs: readonly number[]): string => xs.map((x) => String(Number(x.toPrecision(10)))).join('\\');

/** A US value. */
export const us = (n: number) => ({ vr: 'US' as const, bytes: new Uint8Array([n & 0xff, n >> 8]) });

/** The header of one single-frame image. */
export const sliceHeader = (s: SliceSpec): Dataset =>
  build({
    524312: `2.25.${1000 + (s.instanceNumber ?? 0)}`,
    2097171: String(s.instanceNumber ?? 1),
    2097202: ds(s.position),
    2097207: ds(s.orientation),
    2097234: s.frameOfReferenceUID ?? '2.25.77',
    2621456: us(s.rows ?? 64),
    2621457: us(s.columns ?? 64),
    2621488: ds(s.pixelSpacing ?? [1, 1]),
  });

/** Positions first, first + step, … (count of them). */
export const positions = (count: number, first: Vec3, step: Vec3): Vec3[] =>
  Array.from({ length: count }, (_, k) => add(first, scale(step, k)));

/** A series of single-frame headers, one per position, numbered from 1 in the order given. */
export const series = (orientation: Orientation, at: readonly Vec3[], extra: Partial<SliceSpec> = {}): Dataset[] =>
  at.map((position, k) => sliceHeader({ position, orientation, instanceNumber: k + 1, ...extra }));

/** A regular stack along the orientation's normal: count slices, `spacing` mm apart, centred on the origin. */
export const regularSeries = (orientation: Orientation, count: number, spacing: number): Dataset[] => {
  const n = normalOf(orientation);
  return series(orientation, positions(count, scale(n, (-spacing * (count - 1)) / 2), scale(n, spacing)));
};

/** Frames of headers that must read (test helper: throws otherwise). */
export const framesOf = (headers: readonly Dataset[]): FrameGeometry[] => {
  const r = seriesFrames(headers);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** A volume from headers that must assemble (test helper: throws otherwise). */
export const volumeOf = (headers: readonly Dataset[], options?: AssembleOptions): Volume => {
  const r = assembleVolume(framesOf(headers), options);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

/** Shuffles deterministically (a fixed permutation), so order-independence is tested without randomness. */
export const shuffled = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/** Expects two vectors equal to `digits` decimals, component by component. */
export const close = (a: Vec3, b: Vec3, digits = 9): void => {
  a.forEach((x, i) => {
    expect(x).toBeCloseTo(b[i]!, digits);
  });
};
