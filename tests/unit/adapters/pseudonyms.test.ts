import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { hmacPseudonyms, pseudonymRequestsChannel } from '../../../functions/adapters/pseudonyms';

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

describe('requests for a pseudonym, as the bench counts them', () => {
  test('each request is announced on the pseudonym channel with the environment’s number for the identifier, never the identifier itself', async () => {
    const heard: unknown[] = [];
    const listen = (message: unknown) => heard.push(message);
    subscribe(pseudonymRequestsChannel, listen);
    try {
      const pseudonyms = hmacPseudonyms('key-one');
      await pseudonyms.of('85073003328');
      await pseudonyms.of('85073003328');
      await pseudonyms.of('17073003384');
    } finally {
      unsubscribe(pseudonymRequestsChannel, listen);
    }
    expect(heard).toEqual([
      { identifier: 1, known: false },
      { identifier: 1, known: true },
      { identifier: 2, known: false },
    ]);
    expect(JSON.stringify(heard)).not.toMatch(/850730|170730/);
  });
});
