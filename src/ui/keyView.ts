import { exportKey, generateKey, importKey, type Key } from '../deid/Key.ts';
import { byId } from './dom.ts';
import { download } from './download.ts';
import { clearStagedZips } from './save/zipSink.ts';
import { ensureKeyStored, fingerprint, forgetAll, loadKey, saveKey } from './store.ts';

/**
 * The key panel: shows which key is in use (by fingerprint, never the key itself), exports it
 * as a file, imports one, and forgets everything.
 */

export interface KeyHolder {
  key: Key;
}

const showKey = async (key: Key, created: string, note: string): Promise<void> => {
  const when = created ? ` created ${new Date(created).toLocaleDateString('en-GB', { dateStyle: 'medium' })}` : '';
  byId('key-text').textContent = `Key in use: ${await fingerprint(key)}${when}. ${note}`.trim();
};

/** Loads (or makes) the key and wires the panel; `onForget` resets the rest of the app's settings. */
export const initKey = async (onForget: () => void): Promise<KeyHolder> => {
  const holder: KeyHolder = { key: generateKey() };
  const message = byId('key-message');
  try {
    const k = await loadKey();
    holder.key = k.key;
    await showKey(k.key, k.created, k.fresh ? 'A new key was made for this browser.' : '');
  } catch {
    // Private windows may refuse IndexedDB: work with a key that lasts for this visit only.
    await showKey(holder.key, '', 'It cannot be stored in this browser window, so it lasts for this visit only.');
  }

  byId('export-key').addEventListener('click', () => {
    download(new Blob([exportKey(holder.key)], { type: 'application/json' }), 'veil-key.json');
    message.textContent = 'The key was saved as veil-key.json. Keep it private: with it, pseudonyms can be linked.';
  });

  const input = byId<HTMLInputElement>('import-key');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const r = importKey(await file.text());
    if (!r.ok) {
      message.textContent = `${file.name} was not imported: ${r.error}.`;
      return;
    }
    holder.key = r.key;
    const created = new Date().toISOString();
    await saveKey(r.key, created).catch(() => undefined);
    await showKey(r.key, created, 'Imported.');
    message.textContent = `The key from ${file.name} is now in use: the same patients get the same pseudonyms as before.`;
  });

  byId('forget').addEventListener('click', async () => {
    await forgetAll().catch(() => undefined);
    await clearStagedZips();
    // The app needs a key to work; this one is kept in memory until the next run stores it.
    holder.key = generateKey();
    await showKey(holder.key, '', '');
    onForget();
    message.textContent =
      'Everything was forgotten: the key, the settings and the boxes saved per device are gone from this browser. A new key is used from now on, so pseudonyms will differ from before.';
  });

  return holder;
};

/** Stores the key in use if it is not yet (after "forget", the new key is stored at the next run). */
export const keepKey = (holder: KeyHolder): Promise<void> => ensureKeyStored(holder.key).catch(() => undefined);
