import { CASES } from './cases.ts';
import { describeCases } from './describeCases.ts';

/**
 * Derived cases of Colin27 (.cache/mricron), whose brain mask is its own brain extraction
 * (ch2bet), independent of the defacer. Codecs are in codecs.test.ts.
 */
describeCases(
  'derived cases of Colin27',
  'colin27',
  CASES.filter((c) => c.head === 'colin27' && !c.codec),
  'colin-axial',
);
