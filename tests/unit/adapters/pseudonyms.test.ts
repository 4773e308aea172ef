import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { hmacPseudonyms } from '../../../functions/adapters/pseudonyms';

describe('keyed pseudonyms of national numbers', () => {
  const insz = '85073003328';

  test('the same number gives the same pseudonym under one key, and another under another key', async () => {
    const one = hmacPseudonyms('key-one');
    expect(await one.of(insz)).toBe(await hmacPseudonyms('key-one').of(insz));
    expect(await one.of(insz)).not.toBe(await hmacPseudonyms('key-two').of(insz));
    expect(await one.of(insz)).not.toBe(await one.of('17073003384'));
  });

  test('holds no trace of the number, and is not its plain hash (which anyone could compute for every candidate)', async () => {
    const pseudonym = await hmacPseudonyms('key-one').of(insz);
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pseudonym).not.toContain('850730');
    expect(createHash('sha256').update(insz).digest('base64url')).not.toContain(pseudonym);
  });
});
