import type { Key } from './Key.ts';
import type { Outcome } from './Outcome.ts';
import type { ProfileOptions } from './options.ts';

/** Everything the engine needs to de-identify one file, decided before processing starts. */
export interface Plan {
  options: ProfileOptions;
  key: Key;
  /** Pseudonyms the user typed, by original Patient ID; others are derived from the key. */
  pseudonyms?: Record<string, string>;
  /** Original Series Instance UIDs the user cleared although their pixels may carry text. */
  allowBurnedInSeries?: string[];
}

/**
 * De-identifies one file: read, apply the PS3.15 profile, write, re-read and verify.
 * `name` is only used in messages. Never throws: every failure becomes a Withheld outcome.
 */
export const anonymize = (bytes: Uint8Array, plan: Plan, name: string): Outcome => {
  void bytes;
  void plan;
  return { status: 'withheld', reason: `${name}: the de-identification engine is being built` };
};
