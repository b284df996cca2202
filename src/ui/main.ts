import type { DicomEntry, TextFound } from '../../workers/api.ts';
import type { Plan, TextBoxPlan } from '../deid/anonymize.ts';
import { buildReport, reportJson, reportText } from '../output/report.ts';
import type { SeriesGroup } from '../study/group.ts';
import { type TextChoices, willScan } from './burnedIn.ts';
import { classifyEntries, faceCheckOf, planLine, type SeriesStatus, statusLine } from './defacing.ts';
import { byId } from './dom.ts';
import { download } from './download.ts';
import { identityValues, needlesFor } from './findings.ts';
import { plural, stamp } from './format.ts';
import { canPickDirectory, fromDirectoryHandle, fromDrop, fromInput, fromSample, type InputFile } from './inputs.ts';
import { type Inventory, takeInventory } from './inventory.ts';
import { initKey, keepKey } from './keyView.ts';
import { initOffline } from './offline.ts';
import { initOptions, presetOf } from './optionsView.ts';
import { Pool } from './pool.ts';
import { drawFitted } from './preview/render.ts';
import { showInventory, showInventoryProgress } from './reviewView.ts';
import { run } from './run.ts';
import { showProgress, showResults } from './runView.ts';
import { FolderSink } from './save/folderSink.ts';
import { clearStagedZips, startZipWorker, ZipSink, zipWorkerReady } from './save/zipSink.ts';
import { setStatus } from './status.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from './store.ts';
import { throttled } from './throttle.ts';
import { showFacePlans, showFaceResults, showTextPlans } from './treeView.ts';

/**
 * The app: wires the four steps (choose, review, options, run) to the worker pool. All DICOM
 * reading happens in the workers; this thread only moves File handles and finished buffers.
 */

const VERSION = __VEIL_VERSION__;

const pool = new Pool();
const state = {
  inventory: undefined as Inventory | undefined,
  pseudonyms: new Map<string, string>(),
  allowed: new Set<string>(),
  /** 3D renderings of a head the user has looked at and cleared (by Series Instance UID). */
  allowedRenders: new Set<string>(),
  /** Series the user asked to scan for burned-in text although nothing says they have any (CT, MR…). */
  scanSeries: new Set<string>(),
  /** Boxes of burned-in text the user chose in the preview (issue 5 §4), for the plan. */
  textBoxes: {} as TextBoxPlan,
  /** What OCR found per image in the preview (by inventory id). */
  textFound: new Map<number, TextFound>(),
  controller: undefined as AbortController | undefined,
  zip: undefined as { blob: Blob; name: string } | undefined,
  report: undefined as { json: string; text: string } | undefined,
};
const busy = () => state.controller !== undefined;

const section = (id: string, visible: boolean) => {
  byId(id).hidden = !visible;
};

// ---------------------------------------------------------------- thumbnails

const thumbQueue: { series: SeriesGroup<DicomEntry>; canvas: HTMLCanvasElement }[] = [];
let thumbRunning = false;
const MAX_THUMBS = 200;

/** Draws thumbnails one at a time, in the background, and never during a run. */
const drainThumbs = async (): Promise<void> => {
  if (thumbRunning) return;
  thumbRunning = true;
  while (thumbQueue.length && !busy()) {
    const { series, canvas } = thumbQueue.shift()!;
    const inv = state.inventory;
    const mid = series.instances[Math.floor(series.instances.length / 2)]!;
    if (!inv || !mid.hasPixels) continue; // compressed series decode through the codecs too
    const f = inv.files[mid.id]!;
    const r = await pool
      .run((api) => api.frame({ id: mid.id, file: f.file, path: f.path }, 0, false))
      .catch(() => undefined);
    if (r?.ok && canvas.isConnected) drawFitted(canvas, r.frame);
  }
  thumbRunning = false;
};

// ---------------------------------------------------------------- loading

const loadFiles = async (files: InputFile[]): Promise<void> => {
  if (busy()) return;
  state.inventory = undefined;
  state.pseudonyms.clear();
  state.allowed.clear();
  state.allowedRenders.clear();
  state.scanSeries.clear();
  state.textBoxes = {};
  state.textFound.clear();
  thumbQueue.length = 0;
  section('step-review', true);
  section('step-options', false);
  section('step-run', false);
  byId<HTMLButtonElement>('start').disabled = true;
  if (!files.length) {
    setStatus('empty', 'That folder is empty. Choose another one.');
    return;
  }
  setStatus('reading', `Reading ${plural(files.length, 'file')}…`);
  showInventoryProgress(0, files.length);
  // Performance marks for `npm run bench:app` (and anyone profiling): they cost nothing.
  performance.mark('veil:inventory-start');
  try {
    const progress = throttled(([done, total]: [number, number]) => showInventoryProgress(done, total));
    const inv = await takeInventory(files, pool, (done, total) => progress.push([done, total]));
    progress.cancel();
    performance.measure('veil:inventory', 'veil:inventory-start');
    state.inventory = inv;
    showInventory(
      inv,
      {
        onPseudonym: (id, value) => {
          if (value.trim()) state.pseudonyms.set(id, value.trim());
          else state.pseudonyms.delete(id);
        },
        onAllowBurnedIn: (uid, allowed) => {
          if (allowed) state.allowed.add(uid);
          else state.allowed.delete(uid);
          showTextPlan();
        },
        onScanSeries: (uid, scan) => {
          if (scan) state.scanSeries.add(uid);
          else state.scanSeries.delete(uid);
          showTextPlan();
        },
        onAllowRender: (uid, allowed) => {
          if (allowed) state.allowedRenders.add(uid);
          else state.allowedRenders.delete(uid);
          showFacePlan();
        },
        onPreview: (series) => void openPreview(series),
        onThumbnail: (series, canvas) => {
          if (thumbQueue.length < MAX_THUMBS) thumbQueue.push({ series, canvas });
        },
      },
      state,
    );
    showFacePlan();
    showTextPlan();
    void drainThumbs();
    if (inv.dicom.length === 0) {
      setStatus('empty', `No DICOM images among the ${plural(files.length, 'file')}. Nothing to do.`);
      return;
    }
    section('step-options', true);
    byId<HTMLButtonElement>('start').disabled = !options.valid();
    setStatus(
      'ready',
      `Found ${plural(inv.dicom.length, 'image')}. Check the settings below, then press “Remove identifying details”.`,
    );
  } catch (e) {
    setStatus('error', `The files could not be read: ${(e as Error).message}`);
  }
};

const wireInputs = (): void => {
  for (const id of ['folder-input', 'file-input']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      const files = fromInput(input);
      void loadFiles(files);
    });
  }
  byId('sample').addEventListener('click', async () => {
    if (busy()) return;
    setStatus('reading', 'Loading the sample CD…');
    try {
      await loadFiles(await fromSample());
    } catch (e) {
      setStatus('error', `The sample CD could not be loaded: ${(e as Error).message}`);
    }
  });
  const pick = byId<HTMLButtonElement>('pick-folder');
  pick.hidden = !canPickDirectory();
  pick.addEventListener('click', async () => {
    try {
      const dir = await window.showDirectoryPicker!({ id: 'veil-input', mode: 'read' });
      await loadFiles(await fromDirectoryHandle(dir));
    } catch (e) {
      if ((e as DOMException).name !== 'AbortError')
        setStatus('error', `That folder could not be opened: ${(e as Error).message}`);
    }
  });
  const drop = byId('drop');
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) drop.classList.remove('over');
  });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (!e.dataTransfer || busy()) return;
    try {
      await loadFiles(await fromDrop(e.dataTransfer));
    } catch (err) {
      setStatus('error', `The dropped files could not be read: ${(err as Error).message}`);
    }
  });
};

// ---------------------------------------------------------------- settings and key

const initial = await loadSettings().catch(() => DEFAULT_SETTINGS);
const options = initOptions(initial, canPickDirectory(), (s) => {
  byId<HTMLButtonElement>('start').disabled = !state.inventory?.dicom.length || !options.valid() || busy();
  showFacePlan();
  showTextPlan();
  void saveSettings(s).catch(() => undefined);
});

// ---------------------------------------------------------------- defacing

/** Says per series, from headers, what a run will do to the face under the current settings. */
function showFacePlan(): void {
  const inv = state.inventory;
  if (!inv) return;
  const map = classifyEntries(inv.dicom);
  const deface = options.get().deface;
  showFacePlans(new Map([...map.series].map(([uid, p]) => [uid, planLine(p, map, deface, state.allowedRenders)])));
}

/** Says per series what the run did to the face; with defacing off, that head volumes keep theirs. */
const showFaceOutcome = (inv: Inventory, faces: ReadonlyMap<string, SeriesStatus>, deface: boolean): void => {
  const all = new Map(faces);
  if (!deface)
    for (const [uid, p] of classifyEntries(inv.dicom).series)
      if (p.cls.kind === 'head-candidate' && p.headHint)
        all.set(uid, { verdict: { kind: 'off', message: 'defacing is off' } });
  showFaceResults(
    new Map(
      [...all].map(([uid, s]) => [
        uid,
        { line: statusLine(s), faceCheck: 'verdict' in s ? faceCheckOf(s.verdict) : undefined },
      ]),
    ),
  );
};
// ---------------------------------------------------------------- burned-in text

/** The choices that decide which images are scanned for text. */
function textChoices(): TextChoices {
  const inv = state.inventory;
  const heads = new Set<string>();
  if (inv && options.get().deface)
    for (const [uid, p] of classifyEntries(inv.dicom).series) if (p.cls.kind === 'head-candidate') heads.add(uid);
  return {
    scanText: options.get().textScan,
    allowed: state.allowed,
    scanSeries: state.scanSeries,
    defacedHeads: heads,
  };
}

/** Says per series what a run will do about text in its pixels under the current choices. */
function showTextPlan(): void {
  if (state.inventory) showTextPlans(textChoices());
}

const keys = await initKey(() => {
  // "Forget everything" also resets the choices on the page.
  const radios = document.querySelectorAll<HTMLInputElement>('input[name="preset"][value="research"]');
  radios[0]?.click();
  document.querySelector<HTMLInputElement>('input[name="destination"][value="zip"]')?.click();
  // Safe defaults again: scanning for burned-in text on.
  const scan = byId<HTMLInputElement>('option-text-scan');
  if (!scan.checked) scan.click();
});

/** The plan for the current choices. */
const currentPlan = (inv: Inventory): Plan => {
  const o = options.get().options;
  return {
    options: o,
    key: keys.key,
    pseudonyms: Object.fromEntries(state.pseudonyms),
    allowBurnedInSeries: [...state.allowed],
    scanText: options.get().textScan,
    scanSeries: [...state.scanSeries],
    textBoxes: state.textBoxes,
    extraIdentity: needlesFor(inv, o).forms,
    deface: options.get().deface,
  };
};

// ---------------------------------------------------------------- preview

const openPreview = async (series: SeriesGroup<DicomEntry>): Promise<void> => {
  const inv = state.inventory;
  if (!inv) return;
  const { openPreviewDialog } = await previewModule;
  const plan = currentPlan(inv);
  const choices = textChoices();
  await pool.each((api) => api.setPlan('preview', plan));
  const map = classifyEntries(inv.dicom);
  const p = map.series.get(series.seriesInstanceUID);
  openPreviewDialog(
    series,
    inv,
    pool,
    {
      // A head candidate's "after" is the series call's output, so the preview shows the defaced slice.
      wholeSeries: plan.deface !== false && p?.cls.kind === 'head-candidate',
      note: p && planLine(p, map, plan.deface !== false, state.allowedRenders),
    },
    {
      // The choices cannot change while the (modal) preview is open: worked out once.
      willScan: (e) => willScan(e, choices),
      plan: state.textBoxes,
      found: state.textFound,
      changed: () => pool.each((api) => api.setPlan('preview', currentPlan(inv))),
    },
  );
};
// Loaded right after start-up (not on first use), so nothing is fetched once the app is ready.
const previewModule = import('./preview/previewDialog.ts');

// ---------------------------------------------------------------- running

const inputRoot = (inv: Inventory): string => {
  const roots = new Set(inv.files.map((f) => f.path.split('/')[0]));
  return roots.size === 1 ? [...roots][0]! : `${plural(inv.files.length, 'file')} chosen in the browser`;
};

const start = async (): Promise<void> => {
  const inv = state.inventory;
  if (!inv || busy() || !options.valid()) return;
  const settings = options.get();
  // Said at once, before anything is awaited, so nobody watching the status sees a stale "done".
  setStatus('running', 'Starting…');
  let sink: ZipSink | FolderSink;
  let outputName: string;
  try {
    if (settings.destination === 'folder' && canPickDirectory()) {
      // Asked first, while the click still counts as the user's gesture.
      const dir = await window.showDirectoryPicker!({ id: 'veil-output', mode: 'readwrite' });
      const folder = await FolderSink.create(dir);
      sink = folder;
      outputName = folder.label;
    } else {
      sink = await ZipSink.create();
      outputName = `veil-anonymized-${stamp().replace(/[ .:]/g, '-')}.zip`;
    }
  } catch (e) {
    if ((e as DOMException).name === 'AbortError')
      setStatus('ready', 'No folder was chosen. Choose one, or save as a zip.');
    else setStatus('error', `Could not prepare the output: ${(e as Error).message}`);
    return;
  }

  const controller = new AbortController();
  state.controller = controller;
  state.zip = undefined;
  state.report = undefined;
  showFaceResults(undefined);
  section('step-run', true);
  byId('results').hidden = true;
  byId('download-zip').hidden = true;
  byId<HTMLButtonElement>('cancel').disabled = false;
  byId<HTMLButtonElement>('start').disabled = true;
  byId('step-run').scrollIntoView({ block: 'start' });
  // The previous run's zip: the user has had the chance to download it, and it may be large.
  await clearStagedZips(sink instanceof ZipSink ? sink.staged : undefined);
  setStatus('running', 'Removing identifying details…');
  await keepKey(keys);

  const needles = needlesFor(inv, settings.options);
  const progress = throttled(showProgress);
  performance.mark('veil:run-start');
  try {
    const result = await run({
      inventory: inv,
      plan: currentPlan(inv),
      sink,
      pool,
      allowedRenders: state.allowedRenders,
      needles,
      avoid: identityValues(inv),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'checking') performance.measure('veil:run-written', 'veil:run-start');
        progress.push(p);
      },
    });
    progress.cancel();
    performance.measure('veil:run', 'veil:run-start');
    if (result.cancelled) {
      setStatus('cancelled', 'Cancelled. Nothing was saved; you can start again.');
      return;
    }
    showFaceOutcome(inv, result.faces, settings.deface);
    const report = buildReport({
      veilVersion: VERSION,
      input: inputRoot(inv),
      output: outputName,
      preset: presetOf(settings.options),
      options: settings.options,
      settings: {
        app: 'browser',
        pseudonymsGiven: state.pseudonyms.size,
        burnedInSeriesAllowed: state.allowed.size,
        deface: settings.deface,
        renderingsAllowed: state.allowedRenders.size,
        workers: pool.size,
      },
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      files: result.records,
      outputInfo: result.outputInfo,
      problems: result.problems,
      defacing: result.defacing,
    });
    state.report = { json: reportJson(report), text: reportText(report) };
    if (sink instanceof FolderSink) {
      await sink.writeBeside('veil-report.json', state.report.json);
      await sink.writeBeside('veil-report.txt', state.report.text);
    }
    if (sink instanceof ZipSink && sink.blob) {
      state.zip = { blob: sink.blob, name: outputName };
      byId('download-zip').hidden = false;
    }
    byId('report-hint').textContent =
      sink instanceof FolderSink
        ? 'The report (veil-report.txt and .json) is saved beside the “anonymized” folder, not inside it: it lists your original file names, which may include the patient’s name.'
        : 'The report lists your original file names, which may include the patient’s name: keep it to yourself. It is not inside the zip.';
    byId('progress-text').textContent = `Done in ${report.seconds} s.`;
    const bar = byId<HTMLProgressElement>('progress');
    bar.max = 1;
    bar.value = 1;
    showResults(result.records, result.leak, sink instanceof ZipSink ? 'the zip file' : sink.label, report.defacing);
    const c = report.counts;
    setStatus(
      'done',
      `Done: ${plural(c.anonymized, 'file')} de-identified${c.withheld ? `, ${plural(c.withheld, 'file')} held back` : ''}.${
        state.zip ? ' Download the zip below.' : ''
      }`,
    );
  } catch (e) {
    await sink.abort().catch(() => undefined);
    setStatus('error', `The run stopped: ${(e as Error).message}`);
  } finally {
    state.controller = undefined;
    byId<HTMLButtonElement>('cancel').disabled = true;
    byId<HTMLButtonElement>('start').disabled = !options.valid();
    void drainThumbs();
  }
};

byId('start').addEventListener('click', () => void start());
byId('cancel').addEventListener('click', () => {
  if (!state.controller) return;
  state.controller.abort();
  byId<HTMLButtonElement>('cancel').disabled = true;
  setStatus('cancelling', 'Stopping after the files in progress…');
});
byId('download-zip').addEventListener('click', () => {
  if (state.zip) download(state.zip.blob, state.zip.name);
});
byId('download-report-text').addEventListener('click', () => {
  if (state.report) download(new Blob([state.report.text], { type: 'text/plain' }), 'veil-report.txt');
});
byId('download-report-json').addEventListener('click', () => {
  if (state.report) download(new Blob([state.report.json], { type: 'application/json' }), 'veil-report.json');
});

// ---------------------------------------------------------------- start-up

wireInputs();
initOffline();
void clearStagedZips();
startZipWorker();
await Promise.all([pool.ready(), previewModule, zipWorkerReady()]);
byId('app').dataset.ready = 'true';
