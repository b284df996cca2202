import type { FileRecord, SeriesRecord } from '../output/report.ts';
import { textSummary } from './burnedIn.ts';
import { faceCheckOf, verdictLine } from './defacing.ts';
import { byId, h, replace } from './dom.ts';
import { bytes, count, duration, plural } from './format.ts';
import type { LeakCheck, Progress } from './run.ts';

/** Progress and results of a run, in plain words. */

const PHASE_TEXT: Record<Exclude<Progress['phase'], 'processing'>, string> = {
  finishing: 'Writing the new DICOMDIR…',
  checking: 'Leak check: re-reading everything that was written…',
};

/** "312 of 1,204 files · 150 MB of 600 MB · 45 MB/s · about 12 s left" */
export const progressText = (p: Progress, now = performance.now()): string => {
  if (p.phase !== 'processing') return PHASE_TEXT[p.phase];
  const seconds = (now - p.startedAt) / 1000;
  const rate = seconds > 0.5 ? p.bytesDone / seconds : 0;
  const left = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : Number.NaN;
  return [
    `${count(p.filesDone)} of ${plural(p.filesTotal, 'file')}`,
    `${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`,
    rate ? `${bytes(rate)}/s` : '',
    rate && p.filesDone < p.filesTotal ? `about ${duration(left)} left` : '',
  ]
    .filter(Boolean)
    .join(' · ');
};

/** Shows progress; called often, so it only touches two elements. */
export const showProgress = (p: Progress): void => {
  const bar = byId<HTMLProgressElement>('progress');
  if (p.phase === 'processing') {
    bar.max = Math.max(1, p.bytesTotal);
    bar.value = p.bytesDone;
  } else bar.removeAttribute('value'); // indeterminate while finishing and checking
  byId('progress-text').textContent = progressText(p);
};

/** The leak check's sentence: "0 of 1,204 files contain any of the 9 identifying strings found in the input." */
export const leakSentence = (l: LeakCheck): string => {
  const strings = plural(l.values, 'identifying string');
  if (l.values === 0)
    return `Leak check: ${plural(l.files, 'file')} re-read; the input had no identifying strings to look for.`;
  if (l.leaking === 0)
    return `Leak check: 0 of ${plural(l.files, 'file')} contain any of the ${strings} found in the input.`;
  return `Leak check: ${count(l.leaking)} of ${plural(l.files, 'file')} still contain identifying text (${l.found.join(', ')}). Do not share them.`;
};

/** Counts, the leak check, burned-in text cleaned, what defacing did to each head series, and the withheld list. */
export const showResults = (
  records: FileRecord[],
  leak: LeakCheck | undefined,
  where: string,
  defacing: SeriesRecord[] = [],
): void => {
  const n = (s: FileRecord['status']) => records.filter((r) => r.status === s).length;
  const anonymized = n('anonymized');
  const withheld = records.filter((r) => r.status === 'withheld');
  byId('counts').textContent = [
    `${plural(anonymized, 'file')} de-identified and saved to ${where}`,
    withheld.length ? `${plural(withheld.length, 'file')} held back (see why below)` : '',
    n('skipped') ? `${plural(n('skipped'), 'file')} skipped (not images, or copies)` : '',
  ]
    .filter(Boolean)
    .join('; ')
    .concat('.');
  const leakEl = byId('leak');
  leakEl.textContent = leak ? leakSentence(leak) : '';
  leakEl.dataset.leaking = String(leak?.leaking ?? 0);
  leakEl.classList.toggle('bad', !!leak?.leaking);
  if (leak?.unreadable.length)
    leakEl.append(h('br'), `${plural(leak.unreadable.length, 'file')} could not be re-read.`);

  const text = textSummary(records);
  const textEl = byId('text-results');
  textEl.hidden = !text;
  textEl.textContent = text ?? '';

  const faces = byId('defacing-results');
  faces.hidden = defacing.length === 0;
  replace(
    faces,
    ...defacing.map((d) => {
      const line = verdictLine(d.verdict);
      const check = faceCheckOf(d.verdict);
      return h(
        'li',
        { 'data-verdict': line.kind },
        `${d.modality || 'Image'} series from ${d.from} (${plural(d.files, 'file')}): ${line.text}.`,
        check ? ` ${check}` : '',
      );
    }),
  );

  const list = byId<HTMLDetailsElement>('withheld');
  list.hidden = withheld.length === 0;
  replace(list.querySelector('summary')!, `Held back: ${plural(withheld.length, 'file')}`);
  replace(list.querySelector('ul')!, ...withheld.map((r) => h('li', {}, r.status === 'withheld' ? r.reason : '')));
  byId('results').hidden = false;
};
