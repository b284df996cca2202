/**
 * The 3D view's angles in words, for the pictures' text alternatives and the sliders' outputs.
 * Yaw and pitch as the renderer takes them (pixels/render/camera.ts): positive yaw moves the
 * camera toward the patient's left, positive pitch moves it up.
 */

/** The yaw slider's range, degrees: from the right ear to the left ear. */
export const YAW_RANGE = { min: -90, max: 90 } as const;
/** The pitch slider's range, degrees. */
export const PITCH_RANGE = { min: -60, max: 60 } as const;

const clampTo = (x: number, r: { min: number; max: number }): number => Math.min(r.max, Math.max(r.min, x));

/** A yaw within the slider's range, rounded to whole degrees. */
export const clampYaw = (yaw: number): number => Math.round(clampTo(yaw, YAW_RANGE));
/** A pitch within the slider's range, rounded to whole degrees. */
export const clampPitch = (pitch: number): number => Math.round(clampTo(pitch, PITCH_RANGE));

/** "from the front", "from 30° to the patient's left". */
export const yawWords = (yaw: number): string =>
  yaw === 0 ? 'from the front' : `from ${Math.abs(yaw)}° to the patient's ${yaw > 0 ? 'left' : 'right'}`;

/** "level", "20° from above", "15° from below". */
export const pitchWords = (pitch: number): string =>
  pitch === 0 ? 'level' : `${Math.abs(pitch)}° from ${pitch > 0 ? 'above' : 'below'}`;

/** "seen from the front, level"; "seen from 30° to the patient's left, 15° from below". */
export const viewWords = (yaw: number, pitch: number): string => `seen ${yawWords(yaw)}, ${pitchWords(pitch)}`;

/** A short label for a small picture of a view: "front", "45° left", "30° right". */
export const shortYaw = (yaw: number): string =>
  yaw === 0 ? 'front' : `${Math.abs(yaw)}° ${yaw > 0 ? 'left' : 'right'}`;
