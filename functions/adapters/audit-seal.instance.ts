import { KMSClient } from '@aws-sdk/client-kms';
import { environmentNames, requireEnv } from '../commons/config';
import { traced } from '../commons/powertools';
import type { AuditSeal } from '../ports/audit-seal.port';
import { hmacAuditSeal, kmsAuditSeal } from './audit-seal';

/**
 * The audit seal of this execution environment: KMS when the host names the audit seal's KMS
 * HMAC key (AWS), the development key otherwise (the local host). One of the two must be set.
 */
function auditSealOfHost(): AuditSeal {
  const keyId = process.env[environmentNames.auditSealKeyId];
  if (keyId) return kmsAuditSeal(traced(new KMSClient({})), keyId);
  return hmacAuditSeal(requireEnv(environmentNames.auditSealDevKey));
}

export const auditSeal = auditSealOfHost();
