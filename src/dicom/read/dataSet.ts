/**
 * The data set after the File Meta: dicom-parser reads it one top-level element at a time (its
 * sequences whole), then the Converter checks and converts the File Meta and the data set.
 */
import dicomParser from 'dicom-parser';
import type { Dataset } from '../Dataset.ts';
import { fail, ok, type Result } from '../ReadError.ts';
import type { ReadOptions } from '../read.ts';
import type { TransferSyntax } from '../TransferSyntax.ts';
import { formatTag } from '../tag.ts';
import { PIXEL_DATA, tagAt } from './bytes.ts';
import { Converter } from './convert.ts';
import { diagnose } from './diagnose.ts';
import { byteStream, type Located, vrCallback } from './dicomParser.ts';
import type { Warnings } from './warnings.ts';

const DEFAULT_MAX_DEPTH = 64;
/** Float, Double Float and plain Pixel Data: where a header-only read stops. */
const PIXEL_TAGS = new Set([0x7fe00008, 0x7fe00009, PIXEL_DATA]);

/** The File Meta and the data set as Element trees; `headerOnly`: reading stopped at Pixel Data. */
interface Body {
  meta: Dataset;
  dataset: Dataset;
  headerOnly: boolean;
}

/**
 * Reads the data set from `start` to the end of `buf` in transfer syntax `ts`, and converts it
 * with the File Meta elements already read (`metaEls`, from `metaStart`).
 */
export const readDataSet = (
  buf: Uint8Array,
  start: number,
  ts: TransferSyntax,
  metaEls: Located[],
  metaStart: number,
  options: ReadOptions,
  warnings: Warnings,
): Result<Body> => {
  const le = ts.littleEndian;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!le && !ts.explicitVR) return fail('unsupported', 'Implicit VR Big Endian is not a DICOM transfer syntax');
  const stream = byteStream(buf, le);
  const scratch: string[] = [];
  const top: Located[] = [];
  let p = start;
  let stopped = false;
  // Our own loop over the top-level elements (dicom-parser reads each, sequences included), so a
  // failure is pinned to the element it happened in and a header-only read stops before Pixel Data.
  while (p < buf.length) {
    if (options.headerOnly && p + 4 <= buf.length && PIXEL_TAGS.has(tagAt(buf, p, le))) {
      stopped = true;
      break;
    }
    stream.position = p;
    let el: dicomParser.Element;
    try {
      el = ts.explicitVR
        ? dicomParser.readDicomElementExplicit(stream, scratch)
        : dicomParser.readDicomElementImplicit(stream, undefined, vrCallback);
    } catch (e) {
      return diagnose(buf, p, ts, maxDepth, e);
    }
    top.push({ el, at: p });
    if (stream.position <= p) return fail('malformed', `${formatTag(tagAt(buf, p, le))}: cannot be parsed`);
    p = stream.position;
  }
  const conv = new Converter(buf, ts, maxDepth, warnings);
  const meta = conv.dataset(metaEls, metaStart, start, { explicit: true, path: [], depth: 0, meta: true }, 'defined');
  if (!meta.ok) return meta;
  const dataset = conv.dataset(
    top,
    start,
    stopped ? p : buf.length,
    { explicit: ts.explicitVR, path: [], depth: 0 },
    'top',
  );
  if (!dataset.ok) return dataset;
  if (!stopped && !dataset.value.elements().some((e) => e.tag & 0xffff)) {
    return fail('malformed', 'the data set has no data elements');
  }
  return ok({ meta: meta.value, dataset: dataset.value, headerOnly: stopped });
};
