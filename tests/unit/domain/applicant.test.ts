import { describe, expect, test } from '@jest/globals';
import { applicantId, applicantKind, applicantSchema } from '../../../functions/domain/applicant';

describe('an applicant', () => {
  test('is a citizen by INSZ, separators allowed', () => {
    expect(applicantSchema.parse({ insz: '85.07.30-033.28' })).toEqual({ insz: '85073003328' });
  });

  test('is a business by KBO number', () => {
    expect(applicantSchema.parse({ kbo: '0123.456.749' })).toEqual({ kbo: '0123456749' });
  });

  test('with wrong check digits is refused on the exact field', () => {
    const result = applicantSchema.safeParse({ insz: '85073003327' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['insz']]);
  });

  test('must be exactly one of the two', () => {
    expect(applicantSchema.safeParse({}).success).toBe(false);
    expect(applicantSchema.safeParse({ insz: '85073003328', kbo: '0123456749' }).success).toBe(false);
    expect(applicantSchema.safeParse({ insz: '85073003328', name: 'x' }).success).toBe(false);
  });
});

describe("an applicant's kind and the number that indexes their cases", () => {
  test('a citizen by INSZ, a business by KBO number', () => {
    expect([applicantKind({ insz: '85073003328' }), applicantId({ insz: '85073003328' })]).toEqual(['citizen', '85073003328']);
    expect([applicantKind({ kbo: '0123456749' }), applicantId({ kbo: '0123456749' })]).toEqual(['business', '0123456749']);
  });
});
