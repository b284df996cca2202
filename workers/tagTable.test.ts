import { describe, expect, it } from 'vitest';
import { Dataset } from '../src/dicom/Dataset.ts';
import { build } from '../test/build.ts';
import { tagRows } from './tagTable.ts';

describe('tagRows', () => {
  const meta = new Dataset();
  const before = build({ 1048592: 'DOE^JOHN', 1048624: '19700101', 524384: 'CT', 1052736: 'Main St 1' });
  const after = build({ 1048592: 'VEIL-ABC', 1048624: '', 524384: 'CT', 1179746: 'YES' });
  const rows = tagRows({ meta, dataset: before, le: true }, { meta, dataset: after, le: true });
  const row = (keyword: string) => rows.find((r) => r.keyword === keyword)!;

  it('marks each attribute kept, replaced, removed or added', () => {
    expect(row('Modality').status).toBe('kept');
    expect(row('PatientName')).toMatchObject({ status: 'replaced', before: 'DOE^JOHN', after: 'VEIL-ABC' });
    expect(row('PatientBirthDate').status).toBe('replaced');
    expect(row('PatientAddress').status).toBe('removed');
    expect(row('PatientIdentityRemoved').status).toBe('added');
  });

  it('keeps tag order, with added attributes where they belong', () => {
    expect(rows.map((r) => r.path)).toEqual([
      '(0008,0060)',
      '(0010,0010)',
      '(0010,0030)',
      '(0010,1040)',
      '(0012,0062)',
    ]);
  });

  it('marks everything removed for a withheld file', () => {
    expect(tagRows({ meta, dataset: before, le: true }).every((r) => r.status === 'removed')).toBe(true);
  });
});
