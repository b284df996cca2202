import { describe, expect, it } from 'vitest';
import { DOCTOR, RESEARCH } from '../deid/options.ts';
import { defaultKeyFile, HELP, OPTION_FLAGS, parseArgs } from './args.ts';

const KEY = '/home/u/.config/veil/key.json';
const run = (...argv: string[]) => {
  const p = parseArgs(argv, KEY);
  if (p.kind !== 'run') throw new Error(p.kind === 'error' ? p.message : 'help');
  return p.args;
};

describe('parseArgs', () => {
  it('defaults to the research preset and the default key file', () => {
    const a = run('in', 'out');
    expect(a).toMatchObject({ input: 'in', output: 'out', preset: 'research', options: RESEARCH, keyFile: KEY });
    expect(a.force).toBe(false);
  });

  it('applies a preset, then flags override it whatever their position', () => {
    const a = run('--retain-uids', 'in', '--preset', 'doctor', 'out', '--no-retain-patient-characteristics');
    expect(a.options).toEqual({ ...DOCTOR, retainUIDs: true, retainPatientCharacteristics: false });
    expect(run('in', 'out', '--no-clean-descriptors').options.cleanDescriptors).toBe(false);
  });

  it('has a flag for every profile option, and --help lists them', () => {
    for (const [flag, option] of Object.entries(OPTION_FLAGS)) {
      expect(run('in', 'out', '--preset=research', `--${flag}`).options[option]).toBe(true);
      expect(run('in', 'out', `--no-${flag}`).options[option]).toBe(false);
      expect(HELP).toContain(`--${flag}`);
    }
  });

  it('defaces and checks faces by default; --no-deface and --no-face-check turn each off', () => {
    expect(run('in', 'out')).toMatchObject({ deface: true, faceCheck: true });
    expect(run('in', 'out', '--no-deface')).toMatchObject({ deface: false, faceCheck: true });
    expect(run('in', 'out', '--no-face-check')).toMatchObject({ deface: true, faceCheck: false });
    expect(HELP).toContain('--no-face-check');
    expect(parseArgs(['in', 'out', '--no-face-check=1'], KEY)).toMatchObject({ kind: 'error' });
  });

  it('reads --key, repeatable --pseudonym and --allow-burned-in, --force and --workers', () => {
    const a = run(
      'in',
      'out',
      '--key=/k.json',
      '--pseudonym',
      '12345=CASE01',
      '--pseudonym=A=B=C',
      '--allow-burned-in',
      '1.2.3',
      '--allow-burned-in',
      '1.2.4',
      '--force',
      '--workers',
      '3',
    );
    expect(a.keyFile).toBe('/k.json');
    expect(a.pseudonyms).toEqual({ '12345': 'CASE01', A: 'B=C' });
    expect(a.allowBurnedIn).toEqual(['1.2.3', '1.2.4']);
    expect(a.force).toBe(true);
    expect(a.workers).toBe(3);
  });

  it('scans for burned-in text by default; --no-text-scan turns it off, --scan-series adds series', () => {
    expect(run('in', 'out')).toMatchObject({ textScan: true, scanSeries: [] });
    const a = run('in', 'out', '--no-text-scan', '--scan-series', '1.2.5', '--scan-series=1.2.6');
    expect(a.textScan).toBe(false);
    expect(a.scanSeries).toEqual(['1.2.5', '1.2.6']);
    expect(HELP).toContain('--no-text-scan');
    expect(HELP).toContain('--scan-series <UID>');
    const p = parseArgs(['in', 'out', '--scan-series', 'CT-HEAD'], KEY);
    expect(p).toEqual({ kind: 'error', message: '--scan-series needs a Series Instance UID (digits and dots)' });
    expect(parseArgs(['in', 'out', '--no-text-scan=1'], KEY)).toEqual({
      kind: 'error',
      message: '--no-text-scan takes no value',
    });
  });

  it('answers --help and -h', () => {
    expect(parseArgs(['--help'], KEY)).toEqual({ kind: 'help' });
    expect(parseArgs(['in', '-h'], KEY)).toEqual({ kind: 'help' });
  });

  it('explains usage errors', () => {
    const error = (...argv: string[]) => {
      const p = parseArgs(argv, KEY);
      return p.kind === 'error' ? p.message : undefined;
    };
    expect(error('in')).toMatch(/input folder and an output folder/);
    expect(error('a', 'b', 'c')).toMatch(/too many/);
    expect(error('in', 'out', '--bogus')).toMatch(/unknown option --bogus/);
    expect(error('in', 'out', '--preset', 'public')).toMatch(/research or doctor/);
    expect(error('in', 'out', '--pseudonym', 'nope')).toMatch(/PatientID=pseudonym/);
    expect(error('in', 'out', '--allow-burned-in', 'MUELLER')).toMatch(/Series Instance UID/);
    expect(error('in', 'out', '--retain-long-full-dates', '--retain-long-modified-dates')).toMatch(/cannot both/);
    expect(error('in', 'out', '--workers', '0')).toMatch(/--workers/);
  });

  it('puts the key under XDG_CONFIG_HOME or ~/.config', () => {
    expect(defaultKeyFile('/home/u')).toBe('/home/u/.config/veil/key.json');
    expect(defaultKeyFile('/home/u', '/cfg/')).toBe('/cfg/veil/key.json');
  });
});
