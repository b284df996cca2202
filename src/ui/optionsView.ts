import { DOCTOR, OPTION_INFO, OPTION_NAMES, type OptionName, RESEARCH, validateOptions } from '../deid/options.ts';
import { byId, h } from './dom.ts';
import type { Destination, Preset, Settings } from './store.ts';

/**
 * The choices before a run: two presets in plain words, every PS3.15 option by its standard
 * name in the advanced panel, and where to save.
 */

/** A short plain-words note under each option's standard name. */
const HINTS: Record<OptionName, string> = {
  retainSafePrivate: 'Keep private (vendor) tags listed as safe in Table E.3.10-1.',
  retainUIDs: 'Keep the original study, series and image UIDs.',
  retainDeviceIdentity: 'Keep the scanner’s make, serial number and station name.',
  retainInstitutionIdentity: 'Keep the hospital’s name and address.',
  retainPatientCharacteristics: 'Keep age, sex, height, weight and similar.',
  retainLongFullDates: 'Keep every date and time as it is.',
  retainLongModifiedDates: 'Shift every date by the same secret number of days per patient, keeping the intervals.',
  cleanDescriptors: 'Keep descriptions but remove identifying words from them.',
  cleanStructuredContent: 'Clean the text of structured reports.',
  cleanGraphics: 'Clean graphics and text annotations drawn over the image.',
};

const PRESETS: Record<Exclude<Preset, 'custom'>, Settings['options']> = { research: RESEARCH, doctor: DOCTOR };

const same = (a: Settings['options'], b: Settings['options']): boolean => OPTION_NAMES.every((n) => a[n] === b[n]);

/** The preset that matches these options exactly, or custom. */
export const presetOf = (o: Settings['options']): Preset =>
  same(o, RESEARCH) ? 'research' : same(o, DOCTOR) ? 'doctor' : 'custom';

/** Wires the options panel; `onChange` gets every change (to persist it). */
export const initOptions = (
  initial: Settings,
  folderPossible: boolean,
  onChange: (s: Settings) => void,
): { get: () => Settings; valid: () => boolean } => {
  const settings: Settings = { ...initial, options: { ...initial.options } };
  const list = byId('option-list');
  const boxes = new Map<OptionName, HTMLInputElement>();
  for (const name of OPTION_NAMES) {
    const id = `option-${name}`;
    const box = h('input', { type: 'checkbox', id, 'data-testid': id });
    boxes.set(name, box);
    list.append(
      h(
        'div',
        { class: 'option' },
        box,
        h('label', { for: id }, h('strong', {}, OPTION_INFO[name].meaning), h('span', { class: 'hint' }, HINTS[name])),
      ),
    );
    box.addEventListener('change', () => {
      settings.options[name] = box.checked;
      settings.preset = presetOf(settings.options);
      sync();
      onChange(settings);
    });
  }

  const radios = [...document.querySelectorAll<HTMLInputElement>('input[name="preset"]')];
  for (const r of radios) {
    r.addEventListener('change', () => {
      if (!r.checked || r.value === 'custom') return;
      settings.preset = r.value as Preset;
      settings.options = { ...PRESETS[r.value as 'research' | 'doctor'] };
      sync();
      onChange(settings);
    });
  }

  const destinations = [...document.querySelectorAll<HTMLInputElement>('input[name="destination"]')];
  byId('destination-folder-label').hidden = !folderPossible;
  if (!folderPossible) settings.destination = 'zip';
  for (const r of destinations) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      settings.destination = r.value as Destination;
      onChange(settings);
    });
  }

  const deface = byId<HTMLInputElement>('option-deface');
  deface.addEventListener('change', () => {
    settings.deface = deface.checked;
    onChange(settings);
  });

  const textScan = byId<HTMLInputElement>('option-text-scan');
  textScan.addEventListener('change', () => {
    settings.textScan = textScan.checked;
    onChange(settings);
  });

  const error = byId('option-error');
  const sync = () => {
    for (const [name, box] of boxes) box.checked = settings.options[name];
    byId('preset-custom-label').hidden = settings.preset !== 'custom';
    for (const r of radios) r.checked = r.value === settings.preset;
    for (const r of destinations) r.checked = r.value === settings.destination;
    deface.checked = settings.deface;
    textScan.checked = settings.textScan;
    error.textContent = validateOptions(settings.options) ?? '';
  };
  sync();

  return {
    get: () => ({ ...settings, options: { ...settings.options } }),
    valid: () => !validateOptions(settings.options),
  };
};
