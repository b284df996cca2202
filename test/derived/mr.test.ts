import { CASES } from './cases.ts';
import { describeCases } from './describeCases.ts';

/** Derived cases of the volunteer's sagittal T1 (../shared/data/heads/mr-decubitus-hfs). Codecs are in codecs.test.ts. */
describeCases(
  'derived cases of the sagittal T1',
  'mr-decubitus-hfs',
  CASES.filter((c) => c.head === 'mr-decubitus-hfs' && !c.codec),
  'mr-axial',
);
