import { Builder, type SyntaxName } from './build.ts';
import { encodeIn } from './encode.ts';
import {
  acquisition,
  type Context,
  code,
  curve,
  frameOfReference,
  generalEquipment,
  generalImage,
  generalSeries,
  generalStudy,
  imagePixel,
  imagePlane,
  overlay,
  patientModule,
  patientStudy,
  privateBlocks,
  sopCommon,
  window,
} from './modules.ts';
import { ctHead, mrBrain, overlayRectangle, scGradient, usSector, wordBytes } from './pixels.ts';
import type { Random } from './random.ts';

/**
 * The composite objects of the corpus, one function per IOD (PS3.3 Annex A), built from the
 * shared modules. Each returns a Builder whose data set is ready for `part10`.
 */

/** SOP Class UIDs used (PS3.4 Annex B). */
export const SOP = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  mr: '1.2.840.10008.5.1.4.1.1.4',
  sc: '1.2.840.10008.5.1.4.1.1.7',
  us: '1.2.840.10008.5.1.4.1.1.6.1',
  mfWordSc: '1.2.840.10008.5.1.4.1.1.7.3',
  basicTextSr: '1.2.840.10008.5.1.4.1.1.88.11',
  gsps: '1.2.840.10008.5.1.4.1.1.11.1',
  rtStruct: '1.2.840.10008.5.1.4.1.1.481.3',
} as const;

/** How an object is written and what goes in it beyond the modules its IOD requires. */
export interface Options {
  syntax: SyntaxName;
  rows?: number;
  cols?: number;
  /** Add the private blocks (default on). */
  privates?: boolean;
  curves?: boolean;
  overlays?: boolean;
}

/** A reference to an instance, for SR evidence, presentation states and structure sets. */
export interface Ref {
  sopClass: string;
  sopInstance: string;
  seriesUid: string;
  studyUid: string;
}

const builder = (ctx: Context, o: Options) => new Builder(ctx.p.charset, o.syntax !== 'explicitBE');

const common = (b: Builder, ctx: Context, o: Options): void => {
  patientModule(b, ctx);
  generalStudy(b, ctx);
  patientStudy(b, ctx);
  generalSeries(b, ctx);
  generalEquipment(b, ctx);
  if (o.privates !== false) privateBlocks(b, ctx, (s) => encodeIn(s, ctx.p.charset, 'LT'));
};

/** CT Image IOD (A.3): an axial head slice, 12 bits stored, HU via rescale. */
export const ctImage = (ctx: Context, uid: string, n: number, of: number, rng: Random, o: Options): Builder => {
  const rows = o.rows ?? 64;
  const cols = o.cols ?? 64;
  const b = builder(ctx, o);
  common(b, ctx, o);
  b.str(0x00185100, 'HFS');
  frameOfReference(b, ctx);
  acquisition(b, ctx, n);
  generalImage(b, ctx, n, ['ORIGINAL', 'PRIMARY', 'AXIAL']);
  imagePlane(b, 220 / cols, 5, -60 + n * 5, cols);
  imagePixel(b, rows, cols, 16, 12, wordBytes(ctHead(rows, cols, n / (of + 1), rng), b.littleEndian));
  b.num(0x00281052, -1024)
    .num(0x00281053, 1)
    .str(0x00281054, 'HU')
    .num(0x00180060, 120)
    .num(0x00181150, 1000, 'IS')
    .num(0x00181151, 300, 'IS')
    .str(0x00181210, 'H31s');
  window(b, 40, 80, 'BRAIN');
  if (o.curves) curve(b, ctx);
  sopCommon(b, ctx, SOP.ct, uid);
  return b;
};

/** MR Image IOD (A.4): a T2 spin echo slice. */
export const mrImage = (ctx: Context, uid: string, n: number, of: number, rng: Random, o: Options): Builder => {
  const rows = o.rows ?? 64;
  const cols = o.cols ?? 64;
  const b = builder(ctx, o);
  common(b, ctx, o);
  b.str(0x00185100, 'HFS');
  frameOfReference(b, ctx);
  acquisition(b, ctx, n);
  generalImage(b, ctx, n, ['ORIGINAL', 'PRIMARY', 'M', 'ND']);
  imagePlane(b, 230 / cols, 4, -40 + n * 4.4, cols);
  imagePixel(b, rows, cols, 16, 12, wordBytes(mrBrain(rows, cols, n / (of + 1), rng), b.littleEndian));
  b.str(0x00180020, 'SE')
    .str(0x00180021, 'SK')
    .empty(0x00180022)
    .str(0x00180023, '2D')
    .num(0x00180080, 4000)
    .num(0x00180081, 95)
    .num(0x00180091, 16, 'IS')
    .num(0x00180084, 63.87)
    .num(0x00180087, 1.5)
    .str(0x00180024, 'tse2d1_16');
  window(b, 500, 1000, 'T2');
  if (o.overlays) {
    overlay(b, ctx, 0x6000, rows, cols, overlayRectangle(rows, cols));
    overlay(b, ctx, 0x6002, rows, cols, overlayRectangle(rows, cols));
  }
  sopCommon(b, ctx, SOP.mr, uid);
  return b;
};

/** Secondary Capture Image IOD (A.8.1): a scanned film; Burned In Annotation deliberately absent. */
export const scImage = (ctx: Context, uid: string, n: number, rng: Random, o: Options): Builder => {
  const rows = o.rows ?? 64;
  const cols = o.cols ?? 64;
  const b = builder(ctx, o);
  common(b, ctx, o);
  generalImage(b, ctx, n, ['DERIVED', 'SECONDARY']);
  b.empty(0x00200020);
  b.str(0x00080064, 'DF').str(0x00181010, 'FILMSCAN-2').str(0x00181012, ctx.study.date);
  imagePixel(b, rows, cols, 8, 8, scGradient(rows, cols, rng));
  sopCommon(b, ctx, SOP.sc, uid);
  return b;
};

/** Ultrasound Image IOD (A.6): Burned In Annotation YES, as scanners that print the name do. */
export const usImage = (ctx: Context, uid: string, n: number, rng: Random, o: Options): Builder => {
  const rows = o.rows ?? 64;
  const cols = o.cols ?? 64;
  const b = builder(ctx, o);
  common(b, ctx, o);
  acquisition(b, ctx, n);
  generalImage(b, ctx, n, ['ORIGINAL', 'PRIMARY', 'ABDOMINAL', '0001']);
  b.empty(0x00200020).str(0x00280301, 'YES');
  imagePixel(b, rows, cols, 8, 8, usSector(rows, cols, rng));
  b.str(0x00282110, '00');
  sopCommon(b, ctx, SOP.us, uid);
  return b;
};

/** Multi-frame Grayscale Word SC Image IOD (A.8.4): a small cine of CT-like frames. */
export const multiFrameImage = (
  ctx: Context,
  uid: string,
  n: number,
  frames: number,
  rng: Random,
  o: Options,
): Builder => {
  const rows = o.rows ?? 64;
  const cols = o.cols ?? 64;
  const b = builder(ctx, o);
  common(b, ctx, o);
  generalImage(b, ctx, n, ['DERIVED', 'SECONDARY']);
  b.empty(0x00200020).str(0x00280301, 'NO');
  b.str(0x00080064, 'WSD');
  const px = new Uint16Array(rows * cols * frames);
  for (let f = 0; f < frames; f++) px.set(ctHead(rows, cols, (f + 1) / (frames + 1), rng), f * rows * cols);
  imagePixel(b, rows, cols, 16, 12, wordBytes(px, b.littleEndian));
  b.num(0x00280008, frames, 'IS')
    .at(0x00280009, 0x00181063)
    .num(0x00181063, 40)
    .num(0x00281052, 0)
    .num(0x00281053, 1)
    .str(0x00281054, 'US')
    .str(0x20500020, 'IDENTITY');
  window(b, 1064, 400, 'SOFT');
  sopCommon(b, ctx, SOP.mfWordSc, uid);
  return b;
};

/**
 * Basic Text SR IOD (A.35.1): a report whose content tree names the patient (PNAME), repeats
 * the name and birth date in TEXT, and has a DATE of birth, three levels deep.
 */
export const basicTextSr = (ctx: Context, uid: string, refs: Ref[], o: Options): Builder => {
  const { p, study } = ctx;
  const b = builder(ctx, o);
  common(b, ctx, o);
  b.empty(0x00081111, 'SQ');
  b.num(0x00200013, 1, 'IS')
    .str(0x0040a491, 'COMPLETE')
    .str(0x0040a493, 'VERIFIED')
    .str(0x00080023, study.date)
    .str(0x00080033, study.time)
    .sq(0x0040a073, (v) =>
      v
        .str(0x0040a075, p.staff.reading)
        .empty(0x0040a088, 'SQ')
        .str(0x0040a027, p.site.institution)
        .str(0x0040a030, `${study.date}180000${p.site.tz}`),
    )
    .empty(0x0040a372, 'SQ')
    .sq(0x0040a375, (e) =>
      e.str(0x0020000d, refs[0]!.studyUid).sq(0x00081115, (s) =>
        s.str(0x0020000e, refs[0]!.seriesUid).sq(
          0x00081199,
          ...refs.map((r) => (i: Builder) => {
            i.str(0x00081150, r.sopClass).str(0x00081155, r.sopInstance);
          }),
        ),
      ),
    );
  // SR Document Content Module (C.17.3): the root container and its tree.
  const text =
    (meaning: string, value: string, children: ((x: Builder) => void)[] = []) =>
    (x: Builder) => {
      x.str(0x0040a010, 'CONTAINS')
        .str(0x0040a040, 'TEXT')
        .sq(0x0040a043, code('121071', 'DCM', meaning))
        .str(0x0040a160, value, 'UT');
      if (children.length) x.sq(0x0040a730, ...children);
    };
  const pname = (rel: string, c: string, meaning: string, value: string) => (x: Builder) => {
    x.str(0x0040a010, rel)
      .str(0x0040a040, 'PNAME')
      .sq(0x0040a043, code(c, 'DCM', meaning))
      .str(0x0040a123, value);
  };
  b.str(0x0040a040, 'CONTAINER')
    .sq(0x0040a043, code('18748-4', 'LN', 'Diagnostic Imaging Report'))
    .str(0x0040a050, 'SEPARATE')
    .sq(
      0x0040a730,
      pname('HAS OBS CONTEXT', '121008', 'Person Observer Name', p.staff.reading),
      pname('HAS OBS CONTEXT', '121029', 'Subject Name', p.name),
      (x) =>
        x
          .str(0x0040a010, 'HAS OBS CONTEXT')
          .str(0x0040a040, 'DATE')
          .sq(0x0040a043, code('121031', 'DCM', 'Subject Birth Date'))
          .str(0x0040a121, p.birthDate),
      (x) =>
        x
          .str(0x0040a010, 'CONTAINS')
          .str(0x0040a040, 'CONTAINER')
          .sq(0x0040a043, code('121070', 'DCM', 'Findings'))
          .str(0x0040a050, 'SEPARATE')
          .sq(
            0x0040a730,
            text('Finding', `${p.textName} (born ${p.birthDateForms[4]}, ${p.id}) presented after a fall.`, [
              (y) =>
                y
                  .str(0x0040a010, 'INFERRED FROM')
                  .str(0x0040a040, 'TEXT')
                  .sq(0x0040a043, code('121071', 'DCM', 'Finding'))
                  .str(0x0040a160, `Prior report on ${p.otherNames.replace('^', ' ')} by ${p.staff.referring}`, 'UT'),
              pname('HAS OBS CONTEXT', '121008', 'Person Observer Name', p.staff.performing),
            ]),
            (y) =>
              y
                .str(0x0040a010, 'CONTAINS')
                .str(0x0040a040, 'IMAGE')
                .sq(0x0040a043, code('121080', 'DCM', 'Best illustration of finding'))
                .sq(0x00081199, (r) => r.str(0x00081150, refs[0]!.sopClass).str(0x00081155, refs[0]!.sopInstance)),
          ),
      (x) =>
        x
          .str(0x0040a010, 'CONTAINS')
          .str(0x0040a040, 'CONTAINER')
          .sq(0x0040a043, code('121076', 'DCM', 'Conclusions'))
          .str(0x0040a050, 'SEPARATE')
          .sq(0x0040a730, (y) => {
            text('Conclusion', `No acute findings. Call ${p.textName} at ${p.phone}, ${p.address}.`)(y);
            y.sq(0x0040a043, code('121077', 'DCM', 'Conclusion'));
          }),
    );
  sopCommon(b, ctx, SOP.basicTextSr, uid);
  return b;
};

/** Grayscale Softcopy Presentation State IOD (A.33.1): a text annotation with the name on an image. */
export const presentationState = (ctx: Context, uid: string, refs: Ref[], o: Options): Builder => {
  const { p, study, series } = ctx;
  const b = builder(ctx, o);
  common(b, ctx, o);
  b.num(0x00200013, 1, 'IS')
    .str(0x00700080, `${p.otherNames.split('^')[0]}_NOTE`.slice(0, 16))
    .str(0x00700081, `Key image for ${p.textName}`)
    .str(0x00700082, study.date)
    .str(0x00700083, series.time)
    .str(0x00700084, p.staff.reading)
    .sq(0x00081115, (s) =>
      s.str(0x0020000e, refs[0]!.seriesUid).sq(
        0x00081140,
        ...refs.map((r) => (i: Builder) => {
          i.str(0x00081150, r.sopClass).str(0x00081155, r.sopInstance);
        }),
      ),
    )
    .sq(0x0070005a, (d) =>
      d.sl(0x00700052, 1, 1).sl(0x00700053, 64, 64).str(0x00700100, 'SCALE TO FIT').num(0x00700102, [1, 1], 'IS'),
    )
    .sq(0x00700001, (g) =>
      g.str(0x00700002, 'TEXT').sq(0x00700008, (t) =>
        t
          .str(0x00700003, 'PIXEL')
          .str(0x00700006, `${p.name.split('=')[0]} *${p.birthDateForms[2]}`)
          .fl(0x00700010, 2, 2)
          .fl(0x00700011, 62, 12)
          .str(0x00700012, 'LEFT'),
      ),
    )
    .sq(0x00700060, (l) =>
      l
        .str(0x00700002, 'TEXT')
        .num(0x00700062, 1, 'IS')
        .str(0x00700068, `Notes on ${p.otherNames.split('^')[0]}`),
    )
    .us(0x00700042, 0)
    .str(0x00700041, 'N')
    .sq(0x00283110, (v) => v.num(0x00281050, 40).num(0x00281051, 80))
    .str(0x20500020, 'IDENTITY')
    .num(0x00281052, -1024)
    .num(0x00281053, 1)
    .str(0x00281054, 'HU');
  sopCommon(b, ctx, SOP.gsps, uid);
  return b;
};

/**
 * RT Structure Set IOD (A.19): the referenced image UIDs sit four levels deep (Referenced Frame of
 * Reference > RT Referenced Study > RT Referenced Series > Contour Image), the ROI is named after the patient.
 */
export const rtStructureSet = (
  ctx: Context,
  uid: string,
  refs: Ref[],
  frameOfReferenceUid: string,
  o: Options,
): Builder => {
  const { p, study, series } = ctx;
  const b = builder(ctx, o);
  common(b, ctx, o);
  const contourImage = (r: Ref) => (i: Builder) => {
    i.str(0x00081150, r.sopClass).str(0x00081155, r.sopInstance);
  };
  b.str(0x00200052, frameOfReferenceUid).empty(0x00201040);
  b.str(0x30060002, `RS ${p.otherNames.split('^')[0]}`.slice(0, 16))
    .str(0x30060004, `Plan for ${p.textName}`)
    .str(0x30060006, `Contoured for ${p.name.split('=')[0]}, DOB ${p.birthDateForms[1]}`, 'ST')
    .num(0x00200013, 1, 'IS')
    .str(0x30060008, study.date)
    .str(0x30060009, series.time)
    .sq(0x30060010, (f) =>
      f.str(0x00200052, frameOfReferenceUid).sq(0x30060012, (s) =>
        s
          .str(0x00081150, '1.2.840.10008.3.1.2.3.1')
          .str(0x00081155, refs[0]!.studyUid)
          .sq(0x30060014, (se) => se.str(0x0020000e, refs[0]!.seriesUid).sq(0x30060016, ...refs.map(contourImage))),
      ),
    )
    .sq(0x30060020, (r) =>
      r
        .num(0x30060022, 1, 'IS')
        .str(0x30060024, frameOfReferenceUid)
        .str(0x30060026, `GTV ${p.otherNames.split('^')[0]}`)
        .str(0x30060028, `Tumour of ${p.textName}`, 'ST')
        .str(0x30060036, 'MANUAL'),
    )
    .sq(0x30060039, (c) =>
      c
        .str(0x3006002a, ['255', '0', '0'], 'IS')
        .num(0x30060084, 1, 'IS')
        .sq(0x30060040, (k) =>
          k
            .sq(0x30060016, contourImage(refs[0]!))
            .str(0x30060042, 'CLOSED_PLANAR')
            .num(0x30060046, 4, 'IS')
            .num(0x30060050, [-10, -10, -55, 10, -10, -55, 10, 10, -55, -10, 10, -55]),
        ),
    )
    .sq(0x30060080, (r) =>
      r.num(0x30060082, 1, 'IS').num(0x30060084, 1, 'IS').str(0x300600a4, 'GTV').str(0x300600a6, p.staff.reading),
    )
    .str(0x300e0002, 'APPROVED')
    .str(0x300e0004, study.date)
    .str(0x300e0005, series.time)
    .str(0x300e0008, p.staff.reading);
  sopCommon(b, ctx, SOP.rtStruct, uid);
  return b;
};
