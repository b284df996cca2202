import { CASES } from './cases.ts';
import { describeCases } from './describeCases.ts';

/**
 * Derived cases of the UNC cadaver CT (../shared/data/heads/ct-unc-cthead): resliced, turned,
 * cropped, tilted, in other patient positions, with gaps. Codecs are in codecs.test.ts.
 */
describeCases(
  'derived cases of the cadaver CT',
  'ct-unc-cthead',
  CASES.filter((c) => c.head === 'ct-unc-cthead' && !c.codec),
  'ct-axial',
);
