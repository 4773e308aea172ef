import { describe, expect, test } from '@jest/globals';
import { outOfOrderOf } from '../../../bench/delivery';

const receipt = (webhookId: string, subject: string, sequence: string) => ({ webhookId, event: { subject, sequence } });

describe("the bench's order check of a receiver's deliveries", () => {
  test("a case's events in their order, cases interleaved: none out of order", () => {
    expect(outOfOrderOf([receipt('a1', 'A', '0000000001.00'), receipt('b1', 'B', '0000000001.00'), receipt('a2', 'A', '0000000002.00'), receipt('a3', 'A', '0000000002.01'), receipt('b2', 'B', '0000000003.00')])).toBe(0);
  });

  test('an event received after a later one of its case is counted, however far apart they are', () => {
    expect(outOfOrderOf([receipt('a2', 'A', '0000000002.01'), receipt('b1', 'B', '0000000001.00'), receipt('a1', 'A', '0000000002.00'), receipt('a3', 'A', '0000000003.00')])).toBe(1);
  });

  test('sequences compare as numbers, not as text, where their lengths differ', () => {
    expect(outOfOrderOf([receipt('a9', 'A', '9'), receipt('a10', 'A', '10')])).toBe(0);
    expect(outOfOrderOf([receipt('a10', 'A', '10'), receipt('a9', 'A', '9')])).toBe(1);
  });

  test('a webhook received again (a redelivery) after later events is not counted', () => {
    expect(outOfOrderOf([receipt('a1', 'A', '0000000001.00'), receipt('a2', 'A', '0000000002.00'), receipt('a1', 'A', '0000000001.00')])).toBe(0);
  });
});
