import type { InstanceInfo } from './InstanceInfo.ts';

/**
 * Groups instances into the DICOM information model's patient → study → series levels
 * (PS3.3 §7, the levels of a DICOMDIR in PS3.3 F.4). Pure: no I/O, works on anything that
 * carries an InstanceInfo (an inventory row, an output file), keeping the caller's objects.
 *
 * Order is deterministic and independent of input order: patients by Patient ID, studies by
 * Study Instance UID, series by Series Instance UID, instances by Instance Number then SOP
 * Instance UID (plain code-unit order, never locale order). The output naming assigns its
 * indexes in the same order, so P0001 is the first patient here too.
 */

/** One series and its instances. */
export interface SeriesGroup<T> {
  seriesInstanceUID: string;
  /** Header fields of the series, taken from its first instance in order. */
  info: InstanceInfo;
  instances: T[];
}

/** One study and its series. */
export interface StudyGroup<T> {
  studyInstanceUID: string;
  info: InstanceInfo;
  series: SeriesGroup<T>[];
}

/** One patient and their studies. */
export interface PatientGroup<T> {
  /** The grouping key: Patient ID, or the name when the ID is empty. */
  key: string;
  info: InstanceInfo;
  studies: StudyGroup<T>[];
}

/** The key a patient is grouped by: Patient ID (the DICOMDIR PATIENT key), else the name. */
export const patientKey = (i: InstanceInfo): string => i.patientId || (i.patientName ? `name:${i.patientName}` : '');

/** Groups items into patients, studies and series. */
export const groupInstances = <T>(items: readonly T[], infoOf: (item: T) => InstanceInfo): PatientGroup<T>[] => {
  const sorted = [...items].sort((a, b) => compareInstances(infoOf(a), infoOf(b)));
  const patients = new Map<string, PatientGroup<T>>();
  const studies = new Map<PatientGroup<T>, Map<string, StudyGroup<T>>>();
  const series = new Map<StudyGroup<T>, Map<string, SeriesGroup<T>>>();
  for (const item of sorted) {
    const info = infoOf(item);
    const pk = patientKey(info);
    let patient = patients.get(pk);
    if (!patient) {
      patient = { key: pk, info, studies: [] };
      patients.set(pk, patient);
      studies.set(patient, new Map());
    }
    const studyMap = studies.get(patient)!;
    let study = studyMap.get(info.studyInstanceUID);
    if (!study) {
      study = { studyInstanceUID: info.studyInstanceUID, info, series: [] };
      studyMap.set(info.studyInstanceUID, study);
      patient.studies.push(study);
      series.set(study, new Map());
    }
    const seriesMap = series.get(study)!;
    let s = seriesMap.get(info.seriesInstanceUID);
    if (!s) {
      s = { seriesInstanceUID: info.seriesInstanceUID, info, instances: [] };
      seriesMap.set(info.seriesInstanceUID, s);
      study.series.push(s);
    }
    s.instances.push(item);
  }
  return [...patients.values()];
};

/** Plain code-unit comparison: the same on every machine and locale. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The total order groupInstances sorts by (patient, study, series, instance number, SOP UID). */
export const compareInstances = (a: InstanceInfo, b: InstanceInfo): number =>
  compareStrings(patientKey(a), patientKey(b)) ||
  compareStrings(a.studyInstanceUID, b.studyInstanceUID) ||
  compareStrings(a.seriesInstanceUID, b.seriesInstanceUID) ||
  (a.instanceNumber ?? Number.POSITIVE_INFINITY) - (b.instanceNumber ?? Number.POSITIVE_INFINITY) ||
  compareStrings(a.sopInstanceUID, b.sopInstanceUID);
