import { PATIENT_DIRECTIONS } from '../geometry/orientation.ts';
import { addScaled, cross, normalize, scale, type Vec3 } from '../geometry/vec3.ts';

/** A head's frame in patient space (LPS): where it is and which way its face, left and top point. */
export interface HeadFrame {
  /** The point the camera turns around, mm. */
  centre: Vec3;
  /** Unit vectors: the head's anterior, left and superior. */
  anterior: Vec3;
  left: Vec3;
  superior: Vec3;
}

/**
 * The patient's own axes (PS3.3 C.7.6.2.1.1, LPS: +x left, +y posterior, +z superior) around a
 * centre: the frame to use when the head's axes are not known.
 */
export const patientFrame = (centre: Vec3): HeadFrame => ({
  centre,
  anterior: PATIENT_DIRECTIONS.anterior,
  left: PATIENT_DIRECTIONS.left,
  superior: PATIENT_DIRECTIONS.superior,
});

/** Where the camera looks from, in degrees. */
export interface ViewAngles {
  /**
   * Turn about the head's superior axis. 0 looks at the face from the front (the camera on the
   * head's anterior side); positive moves the camera toward the patient's **left**, so the face
   * turns to show its left cheek (at 90° the camera looks at the left ear).
   */
  yaw: number;
  /** Tilt about the head's left axis: positive moves the camera up (toward superior), looking down on the head. */
  pitch: number;
}

/**
 * An orthographic camera: rays run along `forward` (from the camera into the head); image x grows
 * along `right`, image y grows downward (along −`up`). At yaw 0, pitch 0 the camera faces the
 * patient: `forward` is posterior, `right` is the patient's left (as when facing someone), `up` superior.
 */
export interface Camera {
  centre: Vec3;
  forward: Vec3;
  right: Vec3;
  up: Vec3;
}

const RAD = Math.PI / 180;

/** The camera of a view of a head frame. */
export const cameraOf = (frame: HeadFrame, angles: ViewAngles): Camera => {
  const y = angles.yaw * RAD;
  const p = angles.pitch * RAD;
  // The direction from the head's centre to the camera.
  const level = addScaled(scale(frame.anterior, Math.cos(y)), frame.left, Math.sin(y));
  const toCamera = normalize(addScaled(scale(level, Math.cos(p)), frame.superior, Math.sin(p))) ?? frame.anterior;
  const forward = scale(toCamera, -1);
  // Right of the image: the camera's right-hand side, level with the head (patient's left at yaw 0).
  const sideways = normalize(addScaled(scale(frame.left, Math.cos(y)), frame.anterior, -Math.sin(y))) ?? frame.left;
  const up = normalize(cross(sideways, forward)) ?? frame.superior;
  const right = normalize(cross(forward, up)) ?? sideways;
  return { centre: frame.centre, forward, right, up };
};
