/**
 * The floor of any Node program that rewrites every file of a folder: read each file whole and
 * write it under a new name, one thread, no parsing, no checking (`npm run bench` times it beside
 * `cp -r` and the CLI). What the CLI does on top of this (parse, de-identify, write a new file,
 * read it back and verify it, in two worker threads) can only add to it.
 *
 *   node bench/copy-floor.mjs <input> <output>
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [input, output] = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(input);
mkdirSync(output, { recursive: true });
for (const [i, f] of files.entries()) writeFileSync(join(output, String(i).padStart(8, '0')), readFileSync(f));
