// Declarations TypeScript lacks: parts of the File System Access API (Chromium has them; other
// browsers fall back to the folder input and the zip download) and build-time constants.
interface FileSystemDirectoryHandle {
  values(): AsyncIterableIterator<FileSystemFileHandle | FileSystemDirectoryHandle>;
}

interface DirectoryPickerOptions {
  id?: string;
  mode?: 'read' | 'readwrite';
  startIn?: string;
}

interface Window {
  showDirectoryPicker?: (options?: DirectoryPickerOptions) => Promise<FileSystemDirectoryHandle>;
}

/** Veil's version from package.json, set by vite.config.ts. */
declare const __VEIL_VERSION__: string;
