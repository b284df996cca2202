import { CASES } from './cases.ts';
import { describeCases } from './describeCases.ts';

/**
 * Derived cases compressed with each codec (DCMTK, GDCM, OpenJPH encoders), read back through
 * decodeFrame: each decodes to its native base case (exactly, or within the lossy codec's error)
 * and is defaced as the base is.
 */
describeCases(
  'compressed CT cases',
  'ct-unc-cthead',
  CASES.filter((c) => c.head === 'ct-unc-cthead' && c.codec),
  'ct-tilt+20',
);
describeCases(
  'compressed MR cases',
  'mr-decubitus-hfs',
  CASES.filter((c) => c.head === 'mr-decubitus-hfs' && c.codec),
  'mr-axial',
);
describeCases(
  'compressed Colin27 cases',
  'colin27',
  CASES.filter((c) => c.head === 'colin27' && c.codec),
  'colin-axial',
);
