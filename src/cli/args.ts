import { DOCTOR, type OptionName, type ProfileOptions, RESEARCH, validateOptions } from '../deid/options.ts';

/**
 * Command-line arguments. The profile flags mirror the PS3.15 Annex E options (Table E.1-1
 * columns, src/deid/options.ts); a preset sets them all and flags then override one by one.
 */

export type Preset = 'research' | 'doctor';

export interface CliArgs {
  input: string;
  output: string;
  preset: Preset;
  options: ProfileOptions;
  /** Key file; created with a new key if missing. */
  keyFile: string;
  /** Pseudonyms given by the user, by original Patient ID. */
  pseudonyms: Record<string, string>;
  /** Original Series Instance UIDs cleared although their pixels may carry burned-in text. */
  allowBurnedIn: string[];
  force: boolean;
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  quiet: boolean;
  /** Print where the time went (start-up, de-identification, finishing) on stderr. */
  timing: boolean;
  /** Deface head CT and MR volumes (on by default; --no-deface turns it off). */
  deface: boolean;
  /** Check each defaced head with the face detector (on by default; --no-face-check turns it off). */
  faceCheck: boolean;
  /** Scan images that may carry burned-in text (on by default; --no-text-scan turns it off). */
  textScan: boolean;
  /** Original Series Instance UIDs to scan for burned-in text as well (a CT or MR series). */
  scanSeries: string[];
}

export type Parsed = { kind: 'run'; args: CliArgs } | { kind: 'help' } | { kind: 'error'; message: string };

/** Flag name → option, for both `--flag` (on) and `--no-flag` (off). */
export const OPTION_FLAGS: Record<string, OptionName> = {
  'retain-safe-private': 'retainSafePrivate',
  'retain-uids': 'retainUIDs',
  'retain-device-identity': 'retainDeviceIdentity',
  'retain-institution-identity': 'retainInstitutionIdentity',
  'retain-patient-characteristics': 'retainPatientCharacteristics',
  'retain-long-full-dates': 'retainLongFullDates',
  'retain-long-modified-dates': 'retainLongModifiedDates',
  'clean-descriptors': 'cleanDescriptors',
  'clean-structured-content': 'cleanStructuredContent',
  'clean-graphics': 'cleanGraphics',
};

const PRESETS: Record<Preset, ProfileOptions> = { research: RESEARCH, doctor: DOCTOR };

/** The default key file: ~/.config/veil/key.json (XDG_CONFIG_HOME honoured). */
export const defaultKeyFile = (home: string, xdgConfigHome?: string): string =>
  `${(xdgConfigHome || `${home}/.config`).replace(/\/+$/, '')}/veil/key.json`;

/** Parses argv (without node and the script). Never throws; a usage error comes back as a message. */
export const parseArgs = (argv: readonly string[], defaultKey: string): Parsed => {
  const positional: string[] = [];
  const overrides: Partial<ProfileOptions> = {};
  const pseudonyms: Record<string, string> = {};
  const allowBurnedIn: string[] = [];
  const scanSeries: string[] = [];
  let textScan = true;
  let preset: Preset = 'research';
  let keyFile = defaultKey;
  let force = false;
  let quiet = false;
  let timing = false;
  let deface = true;
  let faceCheck = true;
  let workers: number | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg === '-h') return { kind: 'help' };
      if (arg.startsWith('-') && arg !== '-') return { kind: 'error', message: `unknown option ${arg}` };
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = (): string | undefined => inline ?? argv[++i];

    if (name === 'help') return { kind: 'help' };
    const option = OPTION_FLAGS[name] ?? OPTION_FLAGS[name.replace(/^no-/, '')];
    if (option) {
      if (inline !== undefined) return { kind: 'error', message: `--${name} takes no value` };
      overrides[option] = !name.startsWith('no-');
      continue;
    }
    switch (name) {
      case 'preset': {
        const v = value();
        if (v !== 'research' && v !== 'doctor')
          return { kind: 'error', message: '--preset must be research or doctor' };
        preset = v;
        break;
      }
      case 'key': {
        const v = value();
        if (!v) return { kind: 'error', message: '--key needs a file name' };
        keyFile = v;
        break;
      }
      case 'pseudonym': {
        const v = value() ?? '';
        const at = v.indexOf('=');
        if (at <= 0 || at === v.length - 1) {
          return { kind: 'error', message: '--pseudonym needs PatientID=pseudonym, e.g. --pseudonym 12345=CASE01' };
        }
        pseudonyms[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      case 'allow-burned-in': {
        const v = value();
        if (!v || !/^[0-9.]+$/.test(v)) {
          return { kind: 'error', message: '--allow-burned-in needs a Series Instance UID (digits and dots)' };
        }
        allowBurnedIn.push(v);
        break;
      }
      case 'scan-series': {
        const v = value();
        if (!v || !/^[0-9.]+$/.test(v)) {
          return { kind: 'error', message: '--scan-series needs a Series Instance UID (digits and dots)' };
        }
        scanSeries.push(v);
        break;
      }
      case 'text-scan':
      case 'no-text-scan':
        if (inline !== undefined) return { kind: 'error', message: `--${name} takes no value` };
        textScan = name === 'text-scan';
        break;
      case 'workers': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 256) return { kind: 'error', message: '--workers must be 1 to 256' };
        workers = n;
        break;
      }
      case 'force':
        force = true;
        break;
      case 'quiet':
        quiet = true;
        break;
      case 'timing':
        timing = true;
        break;
      case 'deface':
      case 'no-deface':
        if (inline !== undefined) return { kind: 'error', message: `--${name} takes no value` };
        deface = name === 'deface';
        break;
      case 'face-check':
      case 'no-face-check':
        if (inline !== undefined) return { kind: 'error', message: `--${name} takes no value` };
        faceCheck = name === 'face-check';
        break;
      default:
        return { kind: 'error', message: `unknown option --${name} (see --help)` };
    }
  }

  if (positional.length !== 2) {
    return {
      kind: 'error',
      message: positional.length < 2 ? 'need an input folder and an output folder' : 'too many arguments',
    };
  }
  const options = { ...PRESETS[preset], ...overrides };
  const invalid = validateOptions(options);
  if (invalid) return { kind: 'error', message: invalid };
  return {
    kind: 'run',
    args: {
      input: positional[0]!,
      output: positional[1]!,
      preset,
      options,
      keyFile,
      pseudonyms,
      allowBurnedIn,
      force,
      quiet,
      timing,
      deface,
      faceCheck,
      textScan,
      scanSeries,
      ...(workers === undefined ? {} : { workers }),
    },
  };
};

/** The --help text. */
export const HELP = `Veil — de-identify a folder of DICOM files (DICOM PS3.15 Annex E) on this computer.

Usage: npm run cli -- <input folder> <output folder> [options]

Every file in the input folder is read (files need no extension; DICOM is recognised by its
content). De-identified copies go to <output folder>/DICOM/P0001/S0001/SE0001/IM000001…, with a
new DICOMDIR. Names come only from numbers, never from input names. A report of what happened to
every file is written BESIDE the output folder (<output>.report.txt and .report.json); it names
input files, so keep it private. Nothing is sent anywhere.

Profile (the Basic Profile is always applied):
  --preset research        (default) Clean Descriptors, Structured Content and Graphics; no dates kept
  --preset doctor          dates shifted (intervals kept); age, sex, size and weight kept
  --retain-safe-private            Retain Safe Private Option
  --retain-uids                    Retain UIDs Option
  --retain-device-identity         Retain Device Identity Option
  --retain-institution-identity    Retain Institution Identity Option
  --retain-patient-characteristics Retain Patient Characteristics Option
  --retain-long-full-dates         Retain Longitudinal Temporal Information Full Dates Option
  --retain-long-modified-dates     Retain Longitudinal Temporal Information Modified Dates Option
  --clean-descriptors              Clean Descriptors Option
  --clean-structured-content       Clean Structured Content Option
  --clean-graphics                 Clean Graphics Option
  Each also has a --no-… form to turn it off after a preset.

Identity:
  --key <file>             key for pseudonyms, UIDs and date shifts (default ~/.config/veil/key.json;
                           created with a new random key if it does not exist — keep it to get the
                           same pseudonyms next time)
  --pseudonym <ID>=<name>  use this pseudonym for the patient with this Patient ID (repeatable)
  --allow-burned-in <UID>  release this series (original Series Instance UID) as it is, without
                           scanning it for burned-in text; you checked it yourself (repeatable)

Pixels:
  --no-deface              leave faces in head CT and MR volumes. By default the face (nose, lips,
                           chin, eyes) is removed from every series whose content is a head, at least
                           10 mm from the brain, and recorded (Recognizable Visual Features NO,
                           code 113102). Localizers of a defaced head and 3D renderings of a head
                           are withheld: they show the face.
  --no-face-check          skip the face check. By default each defaced head is rendered from 18
                           angles before and after, and a face detector (on this computer) must find
                           no face after the cut, or the series is withheld.
  --no-text-scan           do not look for text burned into the pixels. By default every image that
                           may carry some (Burned In Annotation YES, ultrasound, secondary captures,
                           XA/RF, endoscopy and photographs, CR/DX/MG, screen captures such as dose
                           reports) is read on this computer (OCR); names, IDs, dates and other text
                           are blacked out, the result is read again, and the image is written
                           uncompressed (RGB for colour) with Burned In Annotation NO and code 113101.
                           An image whose text cannot be shown gone is withheld with the reason.
                           With --no-text-scan such images are withheld unless --allow-burned-in.
  --scan-series <UID>      also scan this series (original Series Instance UID) for burned-in text,
                           e.g. a CT or MR series, which are not scanned by default (repeatable)

Running:
  --force                  write into a non-empty output folder (replaces its DICOM/ and DICOMDIR)
  --workers <n>            worker threads (default: one per CPU)
  --quiet                  no progress on stderr
  --timing                 say on stderr where the time went (start-up, de-identification, finishing)
  --help                   this text

Exit status: 0 every DICOM file was de-identified; 1 some file was withheld (see the report);
2 usage error.
`;
