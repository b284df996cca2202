/** Why a file could not be read, in words a user can act on. Errors are values, not exceptions. */
export interface ReadError {
  /** 'io': the bytes could not be read at all (a file removed or unreadable mid-inventory). */
  kind: 'not-dicom' | 'truncated' | 'malformed' | 'too-deep' | 'unsupported' | 'io';
  message: string;
}

/** A result that is either a value or a reason. */
export type Result<T, E = ReadError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (kind: ReadError['kind'], message: string): Result<never> => ({
  ok: false,
  error: { kind, message },
});

/** Formats a byte count for messages: "4.0 GB", "12 KB", "1 byte". */
export const formatBytes = (n: number): string => {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return n === 1 ? '1 byte' : `${n} bytes`;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
};
