/**
 * The ways files come in: a folder input, a file input, drag and drop (folders walked with
 * `webkitGetAsEntry`), `showDirectoryPicker`, and the built-in sample CD. Each yields `File`
 * handles with the path they had; no bytes are read here.
 */

/** An input file and its path relative to what the user chose. */
export interface InputFile {
  file: File;
  path: string;
}

/** Files of an `<input type=file>` (with `webkitdirectory`, paths include the folders). */
export const fromInput = (input: HTMLInputElement): InputFile[] =>
  [...(input.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));

const readEntries = (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> =>
  new Promise((resolve, reject) => reader.readEntries(resolve, reject));

const fileOf = (entry: FileSystemFileEntry): Promise<File> =>
  new Promise((resolve, reject) => entry.file(resolve, reject));

/** Walks a dropped entry; a directory reader returns entries in chunks until an empty one. */
const walkEntry = async (entry: FileSystemEntry, out: InputFile[]): Promise<void> => {
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), path: entry.fullPath.replace(/^\//, '') });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const chunk = await readEntries(reader);
    if (!chunk.length) break;
    for (const e of chunk) await walkEntry(e, out);
  }
};

/** Files and folders dropped on the page. */
export const fromDrop = async (dt: DataTransfer): Promise<InputFile[]> => {
  const out: InputFile[] = [];
  // Entries must be taken synchronously: the DataTransfer is emptied after the event returns.
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.every((e) => e === null)) {
    return [...dt.files].map((file) => ({ file, path: file.name }));
  }
  for (const e of entries) if (e) await walkEntry(e, out);
  return out;
};

/** Whether the browser can open a folder with the File System Access API. */
export const canPickDirectory = (): boolean => typeof window.showDirectoryPicker === 'function';

/** A folder chosen with `showDirectoryPicker`, walked recursively. */
export const fromDirectoryHandle = async (dir: FileSystemDirectoryHandle, prefix = dir.name): Promise<InputFile[]> => {
  const out: InputFile[] = [];
  for await (const handle of dir.values()) {
    const path = `${prefix}/${handle.name}`;
    if (handle.kind === 'file') out.push({ file: await (handle as FileSystemFileHandle).getFile(), path });
    else out.push(...(await fromDirectoryHandle(handle as FileSystemDirectoryHandle, path)));
  }
  return out;
};

/** The sample CD shipped in public/sample (listed in its index.json by scripts/generate-sample.ts). */
export const fromSample = async (base = `${import.meta.env.BASE_URL}sample/`): Promise<InputFile[]> => {
  const index = (await (await fetch(`${base}index.json`)).json()) as { files: string[] };
  return Promise.all(
    index.files.map(async (path) => {
      const res = await fetch(base + path.split('/').map(encodeURIComponent).join('/'));
      if (!res.ok) throw new Error(`the sample file ${path} could not be loaded (${res.status})`);
      const blob = await res.blob();
      return { file: new File([blob], path.split('/').pop() ?? path), path: `SAMPLE_CD/${path}` };
    }),
  );
};
