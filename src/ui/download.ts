/**
 * Hands a Blob to the browser's download manager. One download per action, never one per file
 * (Chrome throttles those to about three a second). The object URL is revoked once the browser
 * has had time to start reading it.
 */
export const download = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};
