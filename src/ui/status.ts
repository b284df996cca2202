import { byId } from './dom.ts';

/**
 * The status line: one sentence for people, and `data-state` for automation (the README's
 * contract: `data-testid="status"` carries `data-state="done"` when a run has finished).
 */
export type State = 'empty' | 'reading' | 'ready' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'error';

export const setStatus = (state: State, text: string): void => {
  const el = byId('status');
  el.dataset.state = state;
  el.textContent = text;
};

export const currentState = (): State => byId('status').dataset.state as State;
