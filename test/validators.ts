import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity } from '../scripts/corpus/manifest.ts';
import { type Hit, needlesFor, scanDicom } from '../scripts/corpus/scan.ts';

/**
 * Independent judges of Veil's output, for the tests of every issue: DCMTK's dcmdump (can it be
 * parsed?), dicom3tools' dciodvfy (is it a valid IOD?), pydicom (can a third toolkit read every
 * element and the pixels?) and the corpus's leak scan. A missing tool is an error that says what
 * to install, never a skipped test: `scripts/setup.sh` installs all of them.
 */

const INSTALL = 'run scripts/setup.sh, or: apt-get install dcmtk dicom3tools python3-pydicom';

/** Runs a tool; a missing executable throws with the package to install. */
const run = (cmd: string, args: string[], pkg: string, input?: string): SpawnSyncReturns<string> => {
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024, input });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${cmd} is not installed (package ${pkg}): ${INSTALL}`);
  }
  if (r.error) throw new Error(`${cmd} failed to run: ${r.error.message}`);
  return r;
};

/** What dcmdump made of a file. `errors` is empty when it exited 0 and printed no "E:"/"F:" line. */
export interface DcmdumpResult {
  errors: string[];
  dump: string;
}

/** Dumps a file with DCMTK's dcmdump; errors are the "E:"/"F:" lines and a non-zero exit. */
export const dcmdump = (file: string): DcmdumpResult => {
  const r = run('dcmdump', [file], 'dcmtk');
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  const errors = lines.filter((l) => /^(E|F): /.test(l));
  if (r.status !== 0) errors.push(`dcmdump exited with status ${r.status}`);
  return { errors, dump: r.stdout };
};

const DEFLATED = '1.2.840.10008.1.2.1.99';

/**
 * The Transfer Syntax UID from a Part 10 File Meta (explicit VR LE group 0002, PS3.10 §7.1),
 * read here by hand so the judges don't depend on the reader under test. Empty for a raw data set.
 */
export const metaTransferSyntax = (bytes: Uint8Array): string => {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return '';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 132;
  while (p + 8 <= bytes.length && dv.getUint16(p, true) === 0x0002) {
    const el = dv.getUint16(p + 2, true);
    const vr = String.fromCharCode(bytes[p + 4]!, bytes[p + 5]!);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
    const len = long ? dv.getUint32(p + 8, true) : dv.getUint16(p + 6, true);
    const at = p + (long ? 12 : 8);
    if (el === 0x0010) return String.fromCharCode(...bytes.subarray(at, at + len)).replace(/[\0 ]+$/, '');
    p = at + len;
  }
  return '';
};

const dciodvfyCache = new Map<string, string[]>();

/**
 * The "Error -" (and fatal "Abort -") lines dicom3tools' dciodvfy prints for a file: IOD and VR
 * violations. This dciodvfy cannot read Deflated Explicit VR LE, so such a file is first inflated
 * to Explicit VR LE by DCMTK's dcmconv (an independent tool) and that is verified.
 */
export const dciodvfy = (file: string): string[] => {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  const cached = dciodvfyCache.get(key);
  if (cached) return cached;
  let target = file;
  let tmp: string | undefined;
  if (metaTransferSyntax(readFileSync(file)) === DEFLATED) {
    tmp = mkdtempSync(join(tmpdir(), 'veil-dciodvfy-'));
    target = join(tmp, 'inflated.dcm');
    const c = run('dcmconv', ['+te', file, target], 'dcmtk');
    if (c.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      return [`dcmconv could not inflate the Deflated file: ${c.stderr.trim()}`];
    }
  }
  try {
    const r = run('dciodvfy', [target], 'dicom3tools');
    const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /\b(Error|Abort) - /.test(l));
    if (r.status !== 0 && lines.length === 0) lines.push(`dciodvfy exited with status ${r.status}`);
    const out = lines.map((l) => l.trim());
    dciodvfyCache.set(key, out);
    return out;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
};

/**
 * An error line with what legitimately differs between an original and its de-identified copy
 * taken out (values, UIDs, lengths, value positions), so only the kind of error and the attribute
 * remain. Tags "(0x0010,0x0010)" and attribute/module names in <> are kept.
 */
export const normaliseError = (line: string): string => {
  const tags: string[] = [];
  let i = 0;
  return line
    .replace(/\(0x[0-9a-fA-F]{4},0x[0-9a-fA-F]{4}\)/g, (t) => {
      tags.push(t);
      return '\u0000';
    })
    .replace(/(=|value) <[^>]*>/g, '$1 <>')
    .replace(/'[^']*' \(0x[0-9a-fA-F]+\)/g, "''")
    .replace(/\[\d+\]/g, '[]')
    .replace(/\b\d+(\.\d+){2,}\b/g, '#')
    .replace(/UID (\d+|#)(?![\d.])/g, 'UID #')
    .replace(/(<=|>=|=|<|>) ?\d+\b/g, '$1 #')
    .replace(/\u0000/g, () => tags[i++] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
};

/**
 * dciodvfy errors the output has that the input did not (compared as multisets of normalised
 * lines): what de-identification broke. An input's own errors are not the output's fault.
 */
export const dciodvfyNewErrors = (input: string, output: string): string[] => {
  const before = new Map<string, number>();
  for (const l of dciodvfy(input).map(normaliseError)) before.set(l, (before.get(l) ?? 0) + 1);
  const fresh: string[] = [];
  for (const l of dciodvfy(output)) {
    const n = normaliseError(l);
    const left = before.get(n) ?? 0;
    if (left > 0) before.set(n, left - 1);
    else fresh.push(l);
  }
  return fresh;
};

/** What pydicom made of one file. */
export interface PydicomFile {
  file: string;
  /** The exception that stopped reading, if any. */
  error?: string;
  /** Python warnings raised while reading (invalid values, lengths). */
  warnings: string[];
  /** Facts worth knowing that are not failures: no meta, pixel shape, no handler for a compressed syntax. */
  notes: string[];
}

/** The result of one pydicom run over many files. */
export interface PydicomReport {
  files: PydicomFile[];
  failures: { file: string; error: string }[];
}

// Reads every element (iterall converts each raw element, decoding text per Specific Character
// Set), the pixels via pixel_array, and a DICOMDIR's records via FileSet (which follows offsets).
const PYDICOM_SCRIPT = `
import json, sys, warnings
import pydicom
from pydicom.uid import ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian
out = []
for f in json.load(sys.stdin):
    rec = {"file": f, "warnings": [], "notes": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                ds = pydicom.dcmread(f)
            except pydicom.errors.InvalidDicomError:
                with open(f, "rb") as fh:
                    head = fh.read(2)
                # A raw data set starts with a low even group (0008 usually), in either byte order.
                if not (head[1] == 0 and head[0] in (2, 8)) and not (head[0] == 0 and head[1] in (2, 8)):
                    raise
                ds = pydicom.dcmread(f, force=True)
                rec["notes"].append("no File Meta: read with force=True")
            if "TransferSyntaxUID" not in ds.file_meta:
                ds.file_meta.TransferSyntaxUID = (ImplicitVRLittleEndian if ds.is_implicit_VR
                    else ExplicitVRLittleEndian if ds.is_little_endian else ExplicitVRBigEndian)
            n = 0
            for elem in ds.iterall():
                repr(elem.value)
                n += 1
            rec["notes"].append("%d elements" % n)
            if "PixelData" in ds:
                try:
                    rec["notes"].append("pixels %s" % (list(ds.pixel_array.shape),))
                except (NotImplementedError, RuntimeError) as e:
                    if "handler" in str(e) or "plugin" in str(e) or "install" in str(e):
                        rec["notes"].append("pixels not decodable here: %s" % e)
                    else:
                        raise
            if ds.file_meta.get("MediaStorageSOPClassUID") == "1.2.840.10008.1.3.10":
                from pydicom.fileset import FileSet
                fs = FileSet(ds)
                rec["notes"].append("DICOMDIR with %d instances" % len(fs))
        except Exception as e:
            rec["error"] = "%s: %s" % (type(e).__name__, e)
        rec["warnings"] = [str(w.message) for w in caught
                           if not issubclass(w.category, (DeprecationWarning, FutureWarning))]
    out.append(rec)
json.dump(out, sys.stdout)
`;

let python: string | undefined;

/** A python3 that can import pydicom: PATH's first, else Debian's (pyenv shims may hide it). */
const pythonWithPydicom = (): string => {
  if (python) return python;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import pydicom'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) {
      python = candidate;
      return candidate;
    }
  }
  throw new Error(`no python3 with pydicom found (package python3-pydicom): ${INSTALL}`);
};

/**
 * Reads many files in ONE python3 process with pydicom: every element at every depth, the pixel
 * data where a handler exists, DICOMDIR records. Files pydicom could not read are in `failures`.
 */
export const pydicomRead = (files: string[]): PydicomReport => {
  if (files.length === 0) return { files: [], failures: [] };
  const r = run(pythonWithPydicom(), ['-c', PYDICOM_SCRIPT], 'python3-pydicom', JSON.stringify(files));
  if (r.status !== 0) throw new Error(`pydicom run failed (status ${r.status}): ${r.stderr.slice(-2000)}`);
  const parsed = JSON.parse(Buffer.from(r.stdout, 'latin1').toString('utf8')) as PydicomFile[];
  return {
    files: parsed,
    failures: parsed.filter((f) => f.error).map((f) => ({ file: f.file, error: f.error! })),
  };
};

/**
 * Identity strings of a corpus manifest found anywhere in a DICOM file's bytes: decoded values at
 * every depth and the raw bytes (see scripts/corpus/scan.ts). Empty means clean.
 */
export const phiLeaks = (bytes: Uint8Array, identities: Identity[]): Hit[] => scanDicom(bytes, needlesFor(identities));
