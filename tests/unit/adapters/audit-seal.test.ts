import { describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import { hmacAuditSeal, kmsAuditSeal } from '../../../functions/adapters/audit-seal';

const message = 'loket.audit-seal.v1\ncase\n3\nhash\nsha256:digest';

describe('the development audit seal', () => {
  test('verifies its own MAC only, under its own key', async () => {
    const seal = hmacAuditSeal('key-one');
    const mac = await seal.seal(message);
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await seal.verify(message, mac)).toBe(true);
    expect(await seal.verify(`${message}x`, mac)).toBe(false);
    expect(await hmacAuditSeal('key-two').verify(message, mac)).toBe(false);
  });

  test('a malformed MAC is false, not an error', async () => {
    const seal = hmacAuditSeal('key-one');
    for (const mac of ['', 'x', '!'.repeat(43), 'A'.repeat(44)]) expect(await seal.verify(message, mac)).toBe(false);
  });
});

/** A stand-in for KMS: it computes HMAC-SHA-256 with a key only it holds and answers a MAC that does not verify as KMS does, with KMSInvalidMacException. */
function fakeKms(failWith?: Error) {
  const sent: Array<GenerateMacCommand | VerifyMacCommand> = [];
  const macOf = (bytes: Uint8Array) => createHmac('sha256', 'inside-kms').update(bytes).digest();
  const client = {
    async send(command: GenerateMacCommand | VerifyMacCommand) {
      sent.push(command);
      if (failWith) throw failWith;
      if (command instanceof GenerateMacCommand) return { Mac: new Uint8Array(macOf(command.input.Message!)), KeyId: command.input.KeyId };
      if (Buffer.compare(macOf(command.input.Message!), Buffer.from(command.input.Mac!)) !== 0) {
        throw new KMSInvalidMacException({ message: 'invalid MAC', $metadata: {} });
      }
      return { MacValid: true, KeyId: command.input.KeyId };
    },
  };
  return { client: client as unknown as KMSClient, sent };
}

describe('the KMS audit seal', () => {
  test('asks KMS for an HMAC_SHA_256 MAC with the seal key, and has KMS verify it', async () => {
    const { client, sent } = fakeKms();
    const seal = kmsAuditSeal(client, 'arn:aws:kms:eu-west-1:000000000000:key/seal');
    const mac = await seal.seal(message);
    expect(await seal.verify(message, mac)).toBe(true);
    expect(sent.map((command) => [command.constructor.name, command.input.KeyId, command.input.MacAlgorithm])).toEqual([
      ['GenerateMacCommand', 'arn:aws:kms:eu-west-1:000000000000:key/seal', 'HMAC_SHA_256'],
      ['VerifyMacCommand', 'arn:aws:kms:eu-west-1:000000000000:key/seal', 'HMAC_SHA_256'],
    ]);
  });

  test('a MAC KMS does not verify is false; a malformed one is false without asking KMS', async () => {
    const { client, sent } = fakeKms();
    const seal = kmsAuditSeal(client, 'key');
    const mac = await seal.seal(message);
    expect(await seal.verify(`${message}x`, mac)).toBe(false);
    const asked = sent.length;
    expect(await seal.verify(message, 'not a mac')).toBe(false);
    expect(sent).toHaveLength(asked);
  });

  test('any other KMS error is an error, not a verdict: an outage does not read as tampering', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const seal = kmsAuditSeal(fakeKms(throttled).client, 'key');
    await expect(seal.verify(message, 'A'.repeat(43))).rejects.toBe(throttled);
    await expect(seal.seal(message)).rejects.toBe(throttled);
  });
});
