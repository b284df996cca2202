import type { Dataset, Element } from '../../src/dicom/Dataset.ts';
import { transferSyntax } from '../../src/dicom/TransferSyntax.ts';
import type { Tag } from '../../src/dicom/tag.ts';
import { writeDataset, writePart10 } from '../../src/dicom/write.ts';
import { Builder, fileMeta, SYNTAX } from './build.ts';

/**
 * A DICOMDIR (Basic Directory IOD, PS3.3 Annex F) for the corpus. Records copy their keys from
 * the instances they describe, so the names, IDs and birth dates are in it exactly as in the files.
 * The offsets (F.3.2.2) count bytes from the start of the file, preamble included.
 */

/** One instance in the file-set, with the record type and keys PS3.3 F.5 asks for. */
export interface DirectoryEntry {
  /** Path components relative to the DICOMDIR (Referenced File ID, PS3.10 §8.2). */
  fileId: string[];
  recordType: 'IMAGE' | 'SR DOCUMENT' | 'PRESENTATION' | 'RT STRUCTURE SET';
  dataset: Dataset;
  transferSyntaxUid: string;
}

/** Keys per record type, copied from the instance (PS3.3 F.5.1-F.5.23). */
const KEYS: Record<string, Tag[]> = {
  PATIENT: [0x00080005, 0x00100010, 0x00100020, 0x00100030, 0x00100040],
  STUDY: [0x00080005, 0x00080020, 0x00080030, 0x00081030, 0x0020000d, 0x00200010, 0x00080050],
  SERIES: [0x00080005, 0x00080060, 0x0020000e, 0x00200011, 0x00080080, 0x0008103e],
  IMAGE: [0x00080005, 0x00200013, 0x00280010, 0x00280011],
  'SR DOCUMENT': [0x00080005, 0x00200013, 0x0040a491, 0x0040a493, 0x00080023, 0x00080033, 0x0040a043],
  PRESENTATION: [0x00080005, 0x00200013, 0x00700082, 0x00700083, 0x00700080, 0x00700081, 0x00700084, 0x00081115],
  'RT STRUCTURE SET': [0x00080005, 0x00200013, 0x30060002, 0x30060008, 0x30060009],
};

interface Node {
  type: string;
  item: Builder;
  children: Node[];
}

const uidOf = (ds: Dataset, t: Tag): string => {
  const v = ds.get(t)?.value;
  return v ? new TextDecoder('latin1').decode(v).replace(/[\0 ]+$/, '') : '';
};

const record = (type: string, from: Dataset): Node => {
  const item = new Builder('');
  item.ul(0x00041400, 0).us(0x00041410, 0xffff).ul(0x00041420, 0).str(0x00041430, type);
  for (const t of KEYS[type] ?? []) {
    const e: Element | undefined = from.get(t);
    if (e) item.ds.set(e);
  }
  return { type, item, children: [] };
};

/** Builds the DICOMDIR bytes for the given instances, grouped patient > study > series > instance. */
export const dicomdir = (entries: DirectoryEntry[], fileSetId: string, instanceUid: string): Uint8Array => {
  const roots: Node[] = [];
  /** The node in `list` whose `key` has this value, created from `ds` if there is none yet. */
  const node = (list: Node[], key: Tag, type: string, ds: Dataset): Node => {
    const found = list.find((n) => uidOf(n.item.ds, key) === uidOf(ds, key));
    if (found) return found;
    const made = record(type, ds);
    list.push(made);
    return made;
  };
  for (const e of entries) {
    const ds = e.dataset;
    const patient = node(roots, 0x00100020, 'PATIENT', ds);
    const study = node(patient.children, 0x0020000d, 'STUDY', ds);
    const series = node(study.children, 0x0020000e, 'SERIES', ds);
    const leaf = record(e.recordType, ds);
    leaf.item
      .str(0x00041500, e.fileId)
      .str(0x00041510, uidOf(ds, 0x00080016), 'UI')
      .str(0x00041511, uidOf(ds, 0x00080018), 'UI')
      .str(0x00041512, e.transferSyntaxUid, 'UI');
    if (e.recordType === 'SR DOCUMENT') leaf.item.str(0x0040a030, `${uidOf(ds, 0x00080023)}180000`, 'DT');
    series.children.push(leaf);
  }

  // Items in depth-first order; each one's offset is known once the ones before it are sized.
  const order: Node[] = [];
  const walk = (list: Node[]) => {
    for (const n of list) {
      order.push(n);
      walk(n.children);
    }
  };
  walk(roots);

  const ts = transferSyntax(SYNTAX.explicitLE);
  const meta = fileMeta('1.2.840.10008.1.3.10', instanceUid, SYNTAX.explicitLE);
  const head = new Builder('');
  head.str(0x00041130, fileSetId).ul(0x00041200, 0).ul(0x00041202, 0).us(0x00041212, 0);
  const before = 132 + writeDataset(meta, ts, true).length + writeDataset(head.ds, ts).length + 12;
  const offset = new Map<Node, number>();
  let at = before;
  for (const n of order) {
    offset.set(n, at);
    at += 8 + writeDataset(n.item.ds, ts).length;
  }
  const link = (list: Node[]) =>
    list.forEach((n, i) => {
      n.item.ul(0x00041400, i + 1 < list.length ? offset.get(list[i + 1]!)! : 0);
      n.item.ul(0x00041420, n.children[0] ? offset.get(n.children[0])! : 0);
      link(n.children);
    });
  link(roots);
  head.ul(0x00041200, offset.get(roots[0]!) ?? 0).ul(0x00041202, offset.get(roots.at(-1)!) ?? 0);
  head.ds.set({ tag: 0x00041220, vr: 'SQ', items: order.map((n) => n.item.ds) });
  return writePart10({ meta, dataset: head.ds, transferSyntax: ts });
};
