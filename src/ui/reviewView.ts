import { byId, h, replace } from './dom.ts';
import { summarize } from './findings.ts';
import { count, plural } from './format.ts';
import type { Inventory } from './inventory.ts';
import { renderTree, type TreeHandlers } from './treeView.ts';

/** Step 2: the inventory's progress, then the findings, the tree and the files set aside. */

export const showInventoryProgress = (done: number, total: number): void => {
  const bar = byId<HTMLProgressElement>('inventory-progress');
  bar.hidden = false;
  bar.max = Math.max(1, total);
  bar.value = done;
  byId('inventory-text').textContent = `Reading file ${count(done)} of ${count(total)} (headers only)…`;
};

const fileList = (id: string, title: string, items: string[]): void => {
  const d = byId<HTMLDetailsElement>(id);
  d.hidden = items.length === 0;
  replace(d.querySelector('summary')!, title);
  replace(d.querySelector('ul')!, ...items.map((t) => h('li', {}, t)));
};

/** Renders everything the inventory found. */
export const showInventory = (
  inv: Inventory,
  handlers: TreeHandlers,
  state: Parameters<typeof renderTree>[3],
): void => {
  byId('inventory-progress').hidden = true;
  const series = inv.tree.reduce((n, p) => n + p.studies.reduce((m, s) => m + s.series.length, 0), 0);
  byId('inventory-text').textContent = [
    `${plural(inv.files.length, 'file')} read:`,
    `${plural(inv.dicom.length, 'DICOM image')} in ${plural(series, 'series', 'series')} of ${plural(inv.tree.length, 'patient')}`,
    inv.skipped.length
      ? `, ${count(inv.skipped.length)} other ${inv.skipped.length === 1 ? 'file' : 'files'} skipped`
      : '',
    inv.dicomdirs.length ? `, ${plural(inv.dicomdirs.length, 'DICOMDIR')}` : '',
    inv.unreadable.length ? `, ${count(inv.unreadable.length)} unreadable` : '',
    '.',
  ]
    .join(' ')
    .replace(/\s+([,.])/g, '$1');

  const lines = summarize(inv);
  const findings = byId('findings');
  if (lines.length) {
    replace(
      findings,
      h('h3', {}, 'What identifies the person in these files'),
      h('ul', {}, ...lines.map((l) => h('li', {}, l))),
      h(
        'p',
        { class: 'hint' },
        'All of this is removed or replaced, except text inside the pictures themselves (see the series marked below).',
      ),
    );
  } else if (inv.dicom.length) {
    replace(
      findings,
      h('p', {}, 'No names, IDs or dates were found in the headers. The standard profile is applied anyway.'),
    );
  } else replace(findings);

  renderTree(byId('tree'), inv, handlers, state);
  const pathOf = (id: number) => inv.files[id]!.path;
  fileList('skipped', `Not images, skipped: ${plural(inv.skipped.length + inv.dicomdirs.length, 'file')}`, [
    ...inv.dicomdirs.map(
      (e) => `${pathOf(e.id)} — DICOMDIR (the disc's index; it names the patient, so a new one is written)`,
    ),
    ...inv.skipped.map((e) => `${pathOf(e.id)} — ${e.what}`),
  ]);
  fileList(
    'unreadable',
    `Could not be read: ${plural(inv.unreadable.length, 'file')}`,
    inv.unreadable.map((e) => e.reason),
  );
};
