import { KMSClient } from '@aws-sdk/client-kms';
import { environmentNames, requireEnv } from '../commons/config';
import { traced } from '../commons/powertools';
import type { Pseudonyms } from '../ports/services.port';
import { hmacPseudonyms, kmsPseudonyms } from './pseudonyms';

/**
 * The pseudonyms of this execution environment: KMS when the host names a KMS HMAC key
 * (AWS), the development key otherwise (the local host). One of the two must be set.
 */
function pseudonymsOfHost(): Pseudonyms {
  const keyId = process.env[environmentNames.pseudonymKeyId];
  if (keyId) return kmsPseudonyms(traced(new KMSClient({})), keyId);
  return hmacPseudonyms(requireEnv(environmentNames.pseudonymDevKey));
}

export const pseudonyms = pseudonymsOfHost();
