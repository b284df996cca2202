import { describe, expect, it } from 'vitest';
import { RESEARCH } from '../deid/options.ts';
import { testInfo } from '../study/testInfo.ts';
import { buildReport, type FileRecord, reportJson, reportPaths, reportText } from './report.ts';

const counts = { removed: 3, emptied: 2, replaced: 4, kept: 10, cleaned: 1, uids: 3 };
const files: FileRecord[] = [
  { status: 'skipped', input: 'autorun.inf', bytes: 40, what: 'autorun.inf (CD start-up settings, text)' },
  {
    status: 'anonymized',
    input: 'MUELLER_JOERG/CT/IM2',
    bytes: 1000,
    output: 'DICOM/P0001/S0001/SE0001/IM000002',
    outputBytes: 900,
    counts,
  },
  {
    status: 'anonymized',
    input: 'MUELLER_JOERG/CT/IM1',
    bytes: 1000,
    output: 'DICOM/P0001/S0001/SE0001/IM000001',
    outputBytes: 900,
    counts,
  },
  {
    status: 'withheld',
    input: 'MUELLER_JOERG/US/IM1',
    bytes: 500,
    reason: 'MUELLER_JOERG/US/IM1: an ultrasound image without Burned In Annotation',
    series: { seriesInstanceUID: '1.2.3', modality: 'US', seriesNumber: 4, seriesDescription: 'Abdomen' },
  },
  { status: 'skipped', input: 'VIEWER/viewer.exe', bytes: 4096, what: 'Windows program (.exe/.dll)' },
];
const info = testInfo({ modality: 'CT', seriesNumber: 2, seriesDescription: 'Thorax' });

const facts = {
  veilVersion: '0.1.0',
  input: '/cd',
  output: '/out',
  preset: 'research',
  options: RESEARCH,
  settings: { workers: 2 },
  startedAt: new Date('2025-01-01T10:00:00Z'),
  finishedAt: new Date('2025-01-01T10:00:03.25Z'),
  files,
  outputInfo: new Map([
    ['DICOM/P0001/S0001/SE0001/IM000001', { ...info, sopInstanceUID: '2.25.1' }],
    ['DICOM/P0001/S0001/SE0001/IM000002', { ...info, sopInstanceUID: '2.25.2' }],
  ]),
};
const report = buildReport(facts);

describe('the run report', () => {
  it('accounts for every input file exactly once, in input order', () => {
    expect(report.files.map((f) => f.input)).toEqual([
      'MUELLER_JOERG/CT/IM1',
      'MUELLER_JOERG/CT/IM2',
      'MUELLER_JOERG/US/IM1',
      'VIEWER/viewer.exe',
      'autorun.inf',
    ]);
    expect(report.counts).toEqual({
      files: 5,
      anonymized: 2,
      withheld: 1,
      skipped: 2,
      inputBytes: 6636,
      outputBytes: 1800,
    });
  });

  it('records the version, options, settings and timings', () => {
    expect(report.veil.version).toBe('0.1.0');
    expect(report.profile.options).toEqual(RESEARCH);
    expect(report.profile.applied).toContain('Clean Descriptors Option');
    expect(report.settings).toEqual({ workers: 2 });
    expect(report.seconds).toBe(3.3);
    expect(JSON.parse(reportJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('summarises output series with the folders they came from', () => {
    expect(report.series).toEqual([
      {
        folder: 'DICOM/P0001/S0001/SE0001',
        modality: 'CT',
        seriesNumber: 2,
        seriesDescription: 'Thorax',
        patientId: info.patientId,
        instances: 2,
        from: ['MUELLER_JOERG/CT'],
      },
    ]);
  });

  it('reads counts first, then withheld with reasons, then skipped, then series', () => {
    const t = reportText(report);
    const at = (s: string) => t.indexOf(s);
    expect(at('anonymized  2')).toBeGreaterThan(0);
    expect(at('withheld    1')).toBeGreaterThan(at('anonymized  2'));
    expect(at('Withheld (')).toBeGreaterThan(at('skipped     2'));
    expect(at('without Burned In Annotation')).toBeGreaterThan(at('Withheld ('));
    expect(at('US #4 "Abdomen" 1.2.3')).toBeGreaterThan(at('Withheld ('));
    expect(at('Skipped (')).toBeGreaterThan(at('Withheld ('));
    expect(at('VIEWER/viewer.exe — Windows program')).toBeGreaterThan(at('Skipped ('));
    expect(at('Series written:')).toBeGreaterThan(at('Skipped ('));
    expect(at('DICOM/P0001/S0001/SE0001  CT #2 "Thorax"  2 files  from MUELLER_JOERG/CT')).toBeGreaterThan(
      at('Series written:'),
    );
  });

  it('lists the boxes of each image cleaned of burned-in text, flags and sizes only', () => {
    const cleaned = buildReport({
      ...facts,
      files: [
        {
          status: 'anonymized',
          input: 'US/IM1',
          bytes: 10,
          output: 'DICOM/P0001/S0001/SE0002/IM000001',
          outputBytes: 10,
          text: {
            frames: 8,
            static: true,
            phiFound: true,
            frameBoxes: [
              {
                frame: 'all',
                boxes: [
                  { x: 0, y: 3, width: 138, height: 27, blackedOut: true, phi: true, risks: ['identity'] },
                  { x: 1, y: 30, width: 100, height: 17, blackedOut: false, phi: false, risks: [], kept: '5.0cm' },
                  { x: 500, y: 3, width: 90, height: 17, blackedOut: true, phi: false, risks: ['date', 'id'] },
                ],
              },
            ],
          },
        },
      ],
    });
    const t = reportText(cleaned);
    expect(t).toContain('Burned-in text (found by OCR, blacked out, read back clean; code 113101):');
    expect(t).toContain(
      '  US/IM1 → DICOM/P0001/S0001/SE0002/IM000001  3 boxes on each of 8 frames  PHI found in pixels',
    );
    expect(t).toContain('      every frame: 138×27 at (0,3) blacked out: PHI found in pixels\n');
    expect(t).toContain('      every frame: 100×17 at (1,30) kept: "5.0cm" (allow-listed)');
    expect(t).toContain('      every frame: 90×17 at (500,3) blacked out: date, ID-like');
    expect(JSON.parse(reportJson(cleaned)).files[0].text.frameBoxes[0].boxes).toHaveLength(3);
  });

  it('is written beside the output folder, never inside it', () => {
    expect(reportPaths('/data/out')).toEqual({ json: '/data/out.report.json', text: '/data/out.report.txt' });
    expect(reportPaths('/data/out/')).toEqual({ json: '/data/out.report.json', text: '/data/out.report.txt' });
    expect(reportPaths('C:\\cases\\out\\').json).toBe('C:\\cases\\out.report.json');
    for (const p of Object.values(reportPaths('/data/out'))) expect(p.startsWith('/data/out/')).toBe(false);
  });
});
