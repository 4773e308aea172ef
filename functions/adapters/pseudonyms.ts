import { createHmac } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { GenerateMacCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { Pseudonyms } from '../ports/services.port';

const asPseudonym = (mac: Uint8Array) => Buffer.from(mac).toString('base64url').slice(0, 32);

/**
 * The diagnostics channel on which every request for a pseudonym is announced: `{ identifier, known }`, where
 * `identifier` is the environment's own number for the identifier (1 for the first it was asked, 2 for the next …),
 * never the identifier, and `known` whether it was remembered. Nothing in the app listens; the bench does, to count
 * the KMS requests a production environment pays, where nearly every case has an applicant of its own.
 */
export const pseudonymRequestsChannel = 'loket:pseudonym-requests';
const pseudonymRequests = channel(pseudonymRequestsChannel);

/** Remembers pseudonyms within one execution environment, so that a number costs one MAC per cold start. */
function cached(compute: (identifier: string) => Promise<string>): Pseudonyms {
  const known = new Map<string, Promise<string>>();
  const numbers = new Map<string, number>();
  return {
    of(identifier) {
      let pseudonym = known.get(identifier);
      if (pseudonymRequests.hasSubscribers) {
        if (!numbers.has(identifier)) numbers.set(identifier, numbers.size + 1);
        pseudonymRequests.publish({ identifier: numbers.get(identifier), known: pseudonym !== undefined });
      }
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
