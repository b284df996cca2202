/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';
import { byId, h, replace } from './dom.ts';

/**
 * The service worker that keeps a copy of the whole app (and the sample) so that Veil loads and
 * works with the network off. The badge says plainly whether that is the case yet; automation
 * can wait for `data-offline="ready"` on the badge.
 */
export const initOffline = (): void => {
  const badge = byId('offline');
  const ready = () => {
    badge.dataset.offline = 'ready';
    badge.textContent = 'Ready to work offline';
  };
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) {
    badge.dataset.offline = 'unavailable';
    badge.textContent = import.meta.env.DEV
      ? 'Offline copy: only in the built app'
      : 'This browser cannot keep an offline copy';
    return;
  }
  badge.dataset.offline = 'pending';
  badge.textContent = 'Saving a copy for offline use…';
  const update = registerSW({
    immediate: true,
    onOfflineReady: ready,
    onRegisteredSW: (_url, reg) => {
      if (reg?.active) ready();
    },
    onNeedRefresh: () => {
      // A new version waits until the user chooses to reload: never in the middle of a run.
      replace(
        badge,
        'A new version of Veil is ready. ',
        h('button', { type: 'button', class: 'button small', onclick: () => void update(true) }, 'Reload'),
      );
    },
    onRegisterError: () => {
      badge.dataset.offline = 'unavailable';
      badge.textContent = 'The offline copy could not be saved';
    },
  });
};
