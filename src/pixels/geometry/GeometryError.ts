/**
 * Why frames could not be placed in patient space, or do not make one volume. Errors are values
 * whose message is a sentence a report can show as it is ("series 3: 2 orientations among 120
 * slices (119 axial, 1 coronal): not a volume").
 */
export interface GeometryError {
  kind:
    | 'missing-attribute' // an attribute the geometry needs is absent
    | 'invalid-attribute' // present, but its values cannot be right
    | 'no-frames'
    | 'mixed-frames-of-reference'
    | 'mixed-orientations'
    | 'mixed-sizes' // Rows/Columns or PixelSpacing differ between frames
    | 'duplicate-positions'
    | 'too-few-slices'
    | 'too-short';
  message: string;
}

export const geometryError = (kind: GeometryError['kind'], message: string): { ok: false; error: GeometryError } => ({
  ok: false,
  error: { kind, message },
});
