import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compareStrings } from '../study/group.ts';

/**
 * Lists every entry of the input tree that the report must account for: regular files (any
 * name; CD files usually have no extension), and things that are not followed, each with the
 * reason. Symbolic links are never followed, so nothing outside the tree is read and link
 * cycles cannot loop. Only names are listed: no file is opened here.
 */
export type InputEntry =
  | { kind: 'file'; path: string; rel: string; size: number }
  | { kind: 'not-followed'; path: string; rel: string; what: string };

/** A regular file of the input tree. */
export type InputFile = Extract<InputEntry, { kind: 'file' }>;

/** Walks a folder (or takes a single file), in sorted order so runs are reproducible. */
export const walkInput = (root: string): InputEntry[] => {
  const top = statSync(root);
  if (top.isFile()) return [{ kind: 'file', path: root, rel: root.split(sep).pop()!, size: top.size }];
  const realRoot = realpathSync(root);
  const out: InputEntry[] = [];
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      out.push({
        kind: 'not-followed',
        path: dir,
        rel: relPath(root, dir),
        what: `folder cannot be read (${code(e)})`,
      });
      return;
    }
    entries.sort((a, b) => compareStrings(a.name, b.name));
    for (const d of entries) {
      const p = join(dir, d.name);
      const rel = relPath(root, p);
      if (d.isDirectory()) visit(p);
      else if (d.isFile()) out.push({ kind: 'file', path: p, rel, size: sizeOf(p) });
      else if (d.isSymbolicLink()) out.push({ kind: 'not-followed', path: p, rel, what: describeLink(p, realRoot) });
      else out.push({ kind: 'not-followed', path: p, rel, what: 'not a regular file (device, socket or pipe)' });
    }
  };
  visit(root);
  return out;
};

const relPath = (root: string, p: string): string => relative(root, p).split(sep).join('/');

const sizeOf = (p: string): number => {
  try {
    return lstatSync(p).size;
  } catch {
    return 0;
  }
};

const describeLink = (p: string, realRoot: string): string => {
  let target: string;
  try {
    target = realpathSync(p);
  } catch {
    return 'broken link (not followed)';
  }
  const inside = target === realRoot || target.startsWith(realRoot + sep);
  return inside
    ? 'link to something else in the input folder (not followed; the target is processed itself)'
    : 'link to a place outside the input folder (not followed)';
};

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);
