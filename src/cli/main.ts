import { homedir } from 'node:os';
import { defaultKeyFile, HELP, parseArgs } from './args.ts';
import { EXIT_USAGE, runCli } from './run.ts';

/** `npm run cli -- <input> <output> [options]`: see args.ts for the options and run.ts for the work. */
const main = async (): Promise<number> => {
  const parsed = parseArgs(process.argv.slice(2), defaultKeyFile(homedir(), process.env.XDG_CONFIG_HOME));
  if (parsed.kind === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`veil: ${parsed.message}\n\n${HELP.split('\n').slice(2, 3).join('\n')}\nTry --help.\n`);
    return EXIT_USAGE;
  }
  return runCli(parsed.args, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stderrIsTTY: process.stderr.isTTY === true,
  });
};

// A reader that went away (`… | head`) is not an error worth a stack trace; the work itself and
// the report are unaffected.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Only a bug gets here; still one line, no stack trace.
    process.stderr.write(`veil: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
