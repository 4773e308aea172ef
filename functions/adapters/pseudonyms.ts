import { createHmac } from 'node:crypto';
import { GenerateMacCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { Pseudonyms } from '../ports/services.port';

const asPseudonym = (mac: Uint8Array) => Buffer.from(mac).toString('base64url').slice(0, 32);

/** Remembers pseudonyms within one execution environment, so that a number costs one MAC per cold start. */
function cached(compute: (identifier: string) => Promise<string>): Pseudonyms {
  const known = new Map<string, Promise<string>>();
  return {
    of(identifier) {
      let pseudonym = known.get(identifier);
      if (!pseudonym) {
        pseudonym = compute(identifier);
        pseudonym.catch(() => known.delete(identifier));
        known.set(identifier, pseudonym);
      }
      return pseudonym;
    },
  };
}

/** On AWS: HMAC-SHA-256 computed by KMS with a key that never leaves it (GenerateMac). */
export function kmsPseudonyms(client: KMSClient, keyId: string): Pseudonyms {
  return cached(async (identifier) => {
    const { Mac } = await client.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(identifier, 'utf8') }));
    if (!Mac) throw new Error('KMS returned no MAC');
    return asPseudonym(Mac);
  });
}

/** Locally: HMAC-SHA-256 with the local host's development key. */
export function hmacPseudonyms(key: string): Pseudonyms {
  return cached(async (identifier) => asPseudonym(createHmac('sha256', key).update(identifier, 'utf8').digest()));
}
