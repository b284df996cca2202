/**
 * Generates a PHI-laden CD-like DICOM tree for proving the de-identifier leaves nothing behind.
 *
 *   npx tsx scripts/generate-corpus.ts <outdir> [--seed N]
 *
 * Writes <outdir>/cd/ (the disc: DICOMDIR, patient folders named after the patients, images in
 * four transfer syntaxes and six character sets, SR, presentation state, RT structure set, and the
 * AUTORUN.INF / viewer / PDF / photo a real disc has) and <outdir>/manifest.json listing every
 * identity string injected and every place it was found. Same seed, same bytes.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transferSyntax } from '../src/dicom/TransferSyntax.ts';
import { writeDataset } from '../src/dicom/write.ts';
import { part10, SYNTAX, type SyntaxName } from './corpus/build.ts';
import { type DirectoryEntry, dicomdir } from './corpus/dicomdir.ts';
import { type Expectation, identitiesOf, type Manifest, type ManifestFile } from './corpus/manifest.ts';
import type { Context, Series, Study } from './corpus/modules.ts';
import {
  basicTextSr,
  ctImage,
  mrImage,
  multiFrameImage,
  type Options,
  presentationState,
  type Ref,
  rtStructureSet,
  SOP,
  scImage,
  usImage,
} from './corpus/objects.ts';
import { autorunInf, photoJpeg, reportPdf, viewerExe } from './corpus/other-files.ts';
import { type Patient, patients } from './corpus/patients.ts';
import { Random } from './corpus/random.ts';
import { type Hit, needlesFor, scanBytes, scanDicom, scanText } from './corpus/scan.ts';

export type { Identity, Manifest, ManifestFile } from './corpus/manifest.ts';

/** Root for every UID the corpus makes; each patient's root adds the birth date, as some sites do. */
export const UID_ROOT = '1.2.826.0.1.3680043.10.1434';

type Kind = 'ct' | 'mr' | 'sc' | 'us' | 'mf' | 'sr' | 'pr' | 'rt' | 'raw-mr';

interface SeriesPlan {
  folder: string;
  kind: Kind;
  modality: string;
  description: (p: Patient) => string;
  bodyPart: string;
  protocol: string;
  laterality?: string;
  count: number;
  syntax: SyntaxName;
  file: (n: number) => string;
  options?: Partial<Options>;
  expect: Expectation;
  note: string;
}

interface StudyPlan {
  date: string;
  time: string;
  description: (p: Patient) => string;
  series: SeriesPlan[];
}

const im = (n: number) => `IM${String(n).padStart(4, '0')}`;
const IMAGE_NOTE = 'a plain image with PHI only in the header: it must come out de-identified';

/** What each patient's folder holds. Images are 64x64; the variety is in the headers. */
const PLAN: Record<string, StudyPlan[]> = {
  mueller: [
    {
      date: '20240117',
      time: '083512',
      description: (p) => `CT Schädel nativ ${p.name.split('^').join(' ')}`,
      series: [
        {
          folder: 'CT_HEAD',
          kind: 'ct',
          modality: 'CT',
          description: (p) => `Kopf 5mm ${p.otherNames.split('^')[0]}`,
          bodyPart: 'HEAD',
          protocol: 'HEAD ROUTINE',
          count: 5,
          syntax: 'explicitLE',
          file: im,
          options: { curves: true },
          expect: 'anonymized',
          note: IMAGE_NOTE,
        },
        {
          folder: 'PR',
          kind: 'pr',
          modality: 'PR',
          description: (p) => `Key images ${p.textName}`,
          bodyPart: 'HEAD',
          protocol: 'GSPS',
          count: 1,
          syntax: 'explicitLE',
          file: (n) => `PR${String(n).padStart(4, '0')}`,
          expect: 'any',
          note: 'a presentation state whose text annotation names the patient (Clean Graphics)',
        },
        {
          folder: 'SR',
          kind: 'sr',
          modality: 'SR',
          description: (p) => `Befund ${p.textName}`,
          bodyPart: 'HEAD',
          protocol: 'REPORT',
          count: 1,
          syntax: 'deflated',
          file: (n) => `SR${String(n).padStart(4, '0')}`,
          expect: 'any',
          note: 'a Basic Text SR naming the patient in PNAME, TEXT and DATE items (Clean Structured Content)',
        },
      ],
    },
    {
      date: '20190503',
      time: '141007',
      description: (p) => `Sonographie Abdomen ${p.otherNames.split('^')[0]}`,
      series: [
        {
          folder: 'US_ABDOMEN',
          kind: 'us',
          modality: 'US',
          description: (p) => `Abdomen ${p.textName}`,
          bodyPart: 'ABDOMEN',
          protocol: 'ABD',
          count: 1,
          syntax: 'explicitLE',
          file: (n) => `US${String(n).padStart(4, '0')}`,
          expect: 'withheld',
          note: 'Burned In Annotation YES and no series cleared in the plan: pixels may show the name',
        },
      ],
    },
  ],
  yamada: [
    {
      date: '20230912',
      time: '101530',
      description: (p) => `頭部MRI ${p.textName}様`,
      series: [
        {
          folder: 'MR_BRAIN',
          kind: 'mr',
          modality: 'MR',
          description: (p) => `T2 TSE 山田 ${p.otherNames.split('^')[1]}`,
          bodyPart: 'BRAIN',
          protocol: 'T2_TSE_TRA',
          count: 4,
          syntax: 'implicitLE',
          file: im,
          options: { overlays: true },
          expect: 'anonymized',
          note: `${IMAGE_NOTE}; Implicit VR, ISO 2022 IR 87, overlays naming the patient`,
        },
      ],
    },
  ],
  hong: [
    {
      date: '20221031',
      time: '111100',
      description: (p) => `척추 CT ${p.textName}`,
      series: [
        {
          folder: 'CT_SPINE',
          kind: 'ct',
          modality: 'CT',
          description: (p) => `Spine ${p.otherNames.split('^')[0]}`,
          bodyPart: 'LSPINE',
          protocol: 'SPINE',
          count: 2,
          syntax: 'explicitBE',
          file: im,
          expect: 'anonymized',
          note: `${IMAGE_NOTE}; Explicit VR Big Endian, ISO 2022 IR 149`,
        },
      ],
    },
    {
      date: '20221102',
      time: '160245',
      description: (p) => `필름 스캔 ${p.textName}`,
      series: [
        {
          folder: 'SC',
          kind: 'sc',
          modality: 'OT',
          description: (p) => `Outside film ${p.otherNames.split('^')[0]}`,
          bodyPart: 'CHEST',
          protocol: 'FILMSCAN',
          count: 2,
          syntax: 'explicitBE',
          file: im,
          expect: 'any',
          note: 'secondary capture with Burned In Annotation absent: an engine may withhold it as unverifiable',
        },
      ],
    },
  ],
  wang: [
    {
      date: '20210618',
      time: '090011',
      description: (p) => `头部CT电影 ${p.textName}`,
      series: [
        {
          folder: 'MF',
          kind: 'mf',
          modality: 'OT',
          description: (p) => `Cine ${p.otherNames.split('^')[1]}`,
          bodyPart: 'HEAD',
          protocol: 'CINE',
          count: 1,
          syntax: 'deflated',
          file: im,
          expect: 'anonymized',
          note: `${IMAGE_NOTE}; multi-frame, Deflated Explicit VR LE, GB18030`,
        },
      ],
    },
  ],
  zhang: [
    {
      date: '20200309',
      time: '133300',
      description: (p) => `胸部CT定位 ${p.textName}`,
      series: [
        {
          folder: 'CT_CHEST',
          kind: 'ct',
          modality: 'CT',
          description: (p) => `Planning CT ${p.otherNames.split('^')[0]}`,
          bodyPart: 'CHEST',
          protocol: 'RT PLANNING',
          count: 3,
          syntax: 'explicitLE',
          file: im,
          expect: 'anonymized',
          note: `${IMAGE_NOTE}; ISO 2022 IR 58`,
        },
        {
          folder: 'RTSTRUCT',
          kind: 'rt',
          modality: 'RTSTRUCT',
          description: (p) => `Contours ${p.otherNames.split('^')[0]}`,
          bodyPart: 'CHEST',
          protocol: 'RT PLANNING',
          count: 1,
          syntax: 'implicitLE',
          file: (n) => `RS${String(n).padStart(4, '0')}`,
          expect: 'any',
          note: 'an RT Structure Set: image references four levels deep, ROI named after the patient',
        },
      ],
    },
  ],
  novakova: [
    {
      date: '20240229',
      time: '071500',
      description: (p) => `MR kolene ${p.textName}`,
      series: [
        {
          folder: 'MR_KNEE',
          kind: 'mr',
          modality: 'MR',
          description: (p) => `PD FS ${p.otherNames.split('^')[0]}`,
          bodyPart: 'KNEE',
          laterality: 'L',
          protocol: 'PD_FS_COR',
          count: 3,
          syntax: 'explicitBE',
          file: im,
          expect: 'anonymized',
          note: `${IMAGE_NOTE}; Explicit VR Big Endian 16-bit, UTF-8`,
        },
        {
          folder: 'EXPORT',
          kind: 'raw-mr',
          modality: 'MR',
          description: (p) => `Export ${p.otherNames.split('^')[0]}`,
          bodyPart: 'KNEE',
          laterality: 'L',
          protocol: 'PD_FS_COR',
          count: 1,
          syntax: 'implicitLE',
          file: (n) => `RAW${String(n).padStart(4, '0')}.dcm`,
          expect: 'any',
          note: 'a raw data set with no preamble or File Meta (Implicit VR LE), as old exporters write',
        },
      ],
    },
  ],
};

const DIRECTORY_RECORD: Partial<Record<Kind, DirectoryEntry['recordType']>> = {
  ct: 'IMAGE',
  mr: 'IMAGE',
  sc: 'IMAGE',
  us: 'IMAGE',
  mf: 'IMAGE',
  sr: 'SR DOCUMENT',
  pr: 'PRESENTATION',
  rt: 'RT STRUCTURE SET',
};

/**
 * Writes the corpus into `outDir` (which must be empty or absent) and returns the manifest,
 * also saved as `outDir/manifest.json`. Deterministic: the same seed gives the same bytes.
 */
export const generateCorpus = (outDir: string, seed = 1): Manifest => {
  const cdRoot = join(outDir, 'cd');
  mkdirSync(outDir, { recursive: true });
  if (readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty: the corpus needs a fresh folder`);
  const rng = new Random(seed);
  const people = patients(rng);
  const written = new Map<string, Uint8Array>();
  const files: ManifestFile[] = [];
  const entries: DirectoryEntry[] = [];
  const studiesOf = new Map<string, Study[]>();
  const put = (path: string, bytes: Uint8Array, file: Omit<ManifestFile, 'path'>) => {
    written.set(path, bytes);
    files.push({ path, ...file });
  };

  people.forEach((p, pi) => {
    const root = `${UID_ROOT}.${p.birthDate}.${seed % 100000}.${pi + 1}`;
    const studies: Study[] = [];
    (PLAN[p.key] ?? []).forEach((sp, si) => {
      const studyUid = `${root}.${si + 1}`;
      const study: Study = {
        uid: studyUid,
        date: sp.date,
        time: sp.time,
        description: sp.description(p),
        accession: `ACC${sp.date.slice(2)}${rng.digits(4)}`,
        studyId: `S${rng.digits(7)}`,
        priorUid: `${root}.99`,
      };
      studies.push(study);
      const refs: Ref[] = [];
      let frameOfReferenceUid = '';
      sp.series.forEach((sep, sei) => {
        const seriesUid = `${studyUid}.${sei + 1}`;
        const series: Series = {
          uid: seriesUid,
          number: sei + 1,
          modality: sep.modality,
          description: sep.description(p),
          frameOfReferenceUid: `${seriesUid}.0`,
          time: addMinutes(sp.time, sei * 7),
          bodyPart: sep.bodyPart,
          protocol: sep.protocol,
          ...(sep.laterality ? { laterality: sep.laterality } : {}),
        };
        frameOfReferenceUid ||= series.frameOfReferenceUid;
        const ctx: Context = { p, study, series, root };
        for (let n = 1; n <= sep.count; n++) {
          const uid = `${seriesUid}.${n}`;
          const o: Options = { syntax: sep.syntax, ...sep.options };
          const b = build(sep.kind, ctx, uid, n, sep.count, rng, o, refs, frameOfReferenceUid);
          const path = `${p.folder}/${sep.folder}/${sep.file(n)}`;
          const raw = sep.kind === 'raw-mr';
          const bytes = raw ? writeDataset(b.ds, transferSyntax(SYNTAX[sep.syntax])) : part10(b.ds, sep.syntax);
          const sopClass = SOP[kindSop[sep.kind]];
          put(path, bytes, {
            kind: raw ? 'raw-dicom' : 'dicom',
            patient: p.key,
            sopClassUid: sopClass,
            transferSyntaxUid: SYNTAX[sep.syntax],
            specificCharacterSet: p.charset,
            expect: sep.expect,
            note: sep.note,
          });
          if (['ct', 'mr'].includes(sep.kind)) {
            refs.push({ sopClass, sopInstance: uid, seriesUid, studyUid });
          }
          const recordType = DIRECTORY_RECORD[sep.kind];
          if (recordType) {
            entries.push({
              fileId: path.split('/'),
              recordType,
              dataset: b.ds,
              transferSyntaxUid: SYNTAX[sep.syntax],
            });
          }
        }
      });
    });
    studiesOf.set(p.key, studies);
  });

  const mueller = people[0]!;
  put('DICOMDIR', dicomdir(entries, 'PATIENT CD', `${UID_ROOT}.${mueller.birthDate}.${seed % 100000}.0`), {
    kind: 'dicomdir',
    expect: 'any',
    note: 'the DICOMDIR: its records carry every patient name, ID and birth date',
  });
  const other = (path: string, bytes: Uint8Array, what: string) =>
    put(path, bytes, { kind: 'other', expect: 'skipped', note: `not DICOM (${what}): listed, never de-identified` });
  other('AUTORUN.INF', autorunInf(mueller), 'autorun file whose label names the patient');
  other('VIEWER.EXE', viewerExe(), 'a Windows program');
  other('PHOTO.JPG', photoJpeg(mueller), 'a JPEG photo with the name in a comment');
  other(`${mueller.folder}/BEFUND_MUELLER.PDF`, reportPdf(mueller), 'a PDF report');

  const identities = identitiesOf(people, studiesOf);
  const needles = needlesFor(identities, false);
  for (const [path, bytes] of written) {
    const f = files.find((x) => x.path === path)!;
    const hits: Hit[] = scanText(path, needles, 'file name');
    if (f.kind === 'other') hits.push(...scanBytes(bytes, needles, 'content'));
    else {
      const all = scanDicom(bytes, needles);
      const structured = new Set(all.filter((h) => !h.where.startsWith('raw')).map((h) => h.value));
      hits.push(...all.filter((h) => !h.where.startsWith('raw') || !structured.has(h.value)));
    }
    for (const h of hits) identities.find((i) => i.value === h.value)!.places.push({ file: path, where: h.where });
  }
  const unplaced = identities.filter((i) => i.places.length === 0);
  if (unplaced.length) throw new Error(`identities never injected: ${unplaced.map((i) => i.value).join(', ')}`);

  for (const [path, bytes] of written) {
    const full = join(cdRoot, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  const manifest: Manifest = { format: 'veil-phi-corpus/1', seed, root: 'cd', files, identities };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
};

const kindSop: Record<Kind, keyof typeof SOP> = {
  ct: 'ct',
  mr: 'mr',
  'raw-mr': 'mr',
  sc: 'sc',
  us: 'us',
  mf: 'mfWordSc',
  sr: 'basicTextSr',
  pr: 'gsps',
  rt: 'rtStruct',
};

const build = (
  kind: Kind,
  ctx: Context,
  uid: string,
  n: number,
  count: number,
  rng: Random,
  o: Options,
  refs: Ref[],
  frameOfReferenceUid: string,
) => {
  switch (kind) {
    case 'ct':
      return ctImage(ctx, uid, n, count, rng, o);
    case 'mr':
    case 'raw-mr':
      return mrImage(ctx, uid, n, count, rng, o);
    case 'sc':
      return scImage(ctx, uid, n, rng, o);
    case 'us':
      return usImage(ctx, uid, n, rng, o);
    case 'mf':
      return multiFrameImage(ctx, uid, n, 4, rng, o);
    case 'sr':
      return basicTextSr(ctx, uid, refs, o);
    case 'pr':
      return presentationState(ctx, uid, refs, o);
    case 'rt':
      return rtStructureSet(ctx, uid, refs, frameOfReferenceUid, o);
  }
};

const addMinutes = (hhmmss: string, m: number): string => {
  const total = Number(hhmmss.slice(0, 2)) * 60 + Number(hhmmss.slice(2, 4)) + m;
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}${String(total % 60).padStart(2, '0')}${hhmmss.slice(4)}`;
};

const main = (argv: string[]): void => {
  const args = argv.filter((a, i) => a !== '--seed' && argv[i - 1] !== '--seed');
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  if (args.length !== 1 || !Number.isInteger(seed) || seed < 0) {
    console.error('usage: npx tsx scripts/generate-corpus.ts <outdir> [--seed N]');
    process.exit(2);
  }
  const m = generateCorpus(args[0]!, seed);
  const places = m.identities.reduce((n, i) => n + i.places.length, 0);
  console.log(
    `${m.files.length} files (${m.files.filter((f) => f.kind !== 'other').length} DICOM) in ${join(args[0]!, m.root)}; ` +
      `${m.identities.length} identity strings at ${places} places; manifest ${join(args[0]!, 'manifest.json')}`,
  );
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main(process.argv.slice(2));
