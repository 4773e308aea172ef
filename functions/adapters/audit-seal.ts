import { createHmac, timingSafeEqual } from 'node:crypto';
import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AuditSeal } from '../ports/audit-seal.port';

/** Seals are HMAC-SHA-256 MACs, kept as base64url. */
const macAlgorithm = 'HMAC_SHA_256';
const macBytes = 32;
const base64url = /^[A-Za-z0-9_-]{43}$/;

/** The MAC's bytes, or undefined when the text cannot be a seal (a forged or mangled attribute). */
function macOf(text: string): Buffer | undefined {
  if (!base64url.test(text)) return undefined;
  const mac = Buffer.from(text, 'base64url');
  return mac.length === macBytes ? mac : undefined;
}

/** On AWS: KMS computes and checks the MAC with an HMAC key that never leaves it (GenerateMac, VerifyMac). */
export function kmsAuditSeal(client: KMSClient, keyId: string): AuditSeal {
  return {
    async seal(message) {
      const { Mac } = await client.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: macAlgorithm, Message: Buffer.from(message, 'utf8') }));
      if (!Mac) throw new Error('KMS returned no MAC');
      return Buffer.from(Mac).toString('base64url');
    },
    async verify(message, mac) {
      const bytes = macOf(mac);
      if (!bytes) return false;
      try {
        const { MacValid } = await client.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: macAlgorithm, Message: Buffer.from(message, 'utf8'), Mac: bytes }));
        return MacValid === true;
      } catch (error) {
        // KMS answers a MAC that does not verify with this error, not with MacValid false.
        if (error instanceof KMSInvalidMacException) return false;
        throw error;
      }
    },
  };
}

/** The HMAC-SHA-256 of a message under a development key, base64url: what the local host's seal computes. */
export function hmacSealOf(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** Locally: HMAC-SHA-256 with the local host's development key. */
export function hmacAuditSeal(key: string): AuditSeal {
  return {
    async seal(message) {
      return hmacSealOf(key, message);
    },
    async verify(message, mac) {
      const bytes = macOf(mac);
      return bytes !== undefined && timingSafeEqual(bytes, Buffer.from(hmacSealOf(key, message), 'base64url'));
    },
  };
}
