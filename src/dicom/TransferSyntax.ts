/** Transfer Syntax UIDs (PS3.5 §10 and PS3.6 Annex A) and what they mean for reading and writing. */
export const ImplicitVRLittleEndian = '1.2.840.10008.1.2';
export const ExplicitVRLittleEndian = '1.2.840.10008.1.2.1';
export const DeflatedExplicitVRLittleEndian = '1.2.840.10008.1.2.1.99';
export const ExplicitVRBigEndian = '1.2.840.10008.1.2.2';

/** How a transfer syntax lays out the data set. */
export interface TransferSyntax {
  uid: string;
  explicitVR: boolean;
  littleEndian: boolean;
  deflated: boolean;
  /** Pixel Data is encapsulated (compressed fragments). */
  encapsulated: boolean;
}

/** Describes a transfer syntax UID. Any UID not one of the four native ones is encapsulated Explicit VR LE. */
export const transferSyntax = (uid: string): TransferSyntax => ({
  uid,
  explicitVR: uid !== ImplicitVRLittleEndian,
  littleEndian: uid !== ExplicitVRBigEndian,
  // The whole data set is deflated only in these (PS3.5 A.5; JPIP Referenced Deflate variants).
  // Deflated Image Frame Compression (1.2.840.10008.1.2.8.1) deflates frames, not the data set.
  deflated: [DeflatedExplicitVRLittleEndian, '1.2.840.10008.1.2.4.95', '1.2.840.10008.1.2.4.205'].includes(uid),
  encapsulated: ![
    ImplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
  ].includes(uid),
});
