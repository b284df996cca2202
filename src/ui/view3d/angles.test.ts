import { describe, expect, it } from 'vitest';
import { clampPitch, clampYaw, shortYaw, viewWords } from './angles.ts';

describe('3D view angles in words', () => {
  it("names the side the camera is on, as the renderer turns it (positive yaw: the patient's left)", () => {
    expect(viewWords(0, 0)).toBe('seen from the front, level');
    expect(viewWords(30, 0)).toBe("seen from 30° to the patient's left, level");
    expect(viewWords(-45, -15)).toBe("seen from 45° to the patient's right, 15° from below");
    expect(shortYaw(-60)).toBe('60° right');
    expect(shortYaw(0)).toBe('front');
  });
  it('keeps angles within the sliders, in whole degrees', () => {
    expect(clampYaw(120.4)).toBe(90);
    expect(clampYaw(-12.6)).toBe(-13);
    expect(clampPitch(-80)).toBe(-60);
  });
});
