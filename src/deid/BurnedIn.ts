import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Images whose pixels may carry burned-in text (names, dates, IDs written into the image) that no
 * header rule can reach. Until pixel cleaning exists they are withheld, unless the user clears the
 * series. Returns the reason in words, or undefined when the image is not suspect.
 */
export const burnedInRisk = (info: InstanceInfo): string | undefined => {
  const bia = info.burnedInAnnotation;
  if (bia === 'YES') return 'Burned In Annotation is YES: the image has text written into its pixels';
  if (bia === 'NO') return undefined;
  const sc = info.sopClassUID.startsWith('1.2.840.10008.5.1.4.1.1.7');
  const us = ['1.2.840.10008.5.1.4.1.1.6.1', '1.2.840.10008.5.1.4.1.1.3.1'].includes(info.sopClassUID);
  const screenshot = /SCREEN ?SHOT|SCREEN CAPTURE/i.test(info.imageType);
  if (sc) return 'a secondary capture without Burned In Annotation: it may be a screenshot with text in its pixels';
  if (us) return 'an ultrasound image without Burned In Annotation: its pixels usually carry text';
  if (screenshot) return 'a screenshot without Burned In Annotation: it may have text in its pixels';
  return undefined;
};
