/** Document files live under this key prefix of the documents bucket; the functions' S3 grants cover only it. */
export const documentKeyPrefix = 'documents/';

/** Environment variable names shared by both hosts. */
export const environmentNames = {
  tableName: 'TABLE_NAME',
  stateMachineArns: 'STATE_MACHINE_ARNS',
  populationRegister: 'POPULATION_REGISTER',
  documentsBucket: 'DOCUMENTS_BUCKET',
  enterpriseRegister: 'ENTERPRISE_REGISTER',
  /** The KMS HMAC key of applicant pseudonyms (AWS). */
  pseudonymKeyId: 'PSEUDONYM_KEY_ID',
  /** The development key of applicant pseudonyms (local host only). */
  pseudonymDevKey: 'PSEUDONYM_DEV_KEY',
  /** The KMS HMAC key that seals the heads of case audit trails (AWS). */
  auditSealKeyId: 'AUDIT_SEAL_KEY_ID',
  /** The development key that seals the heads of case audit trails (local host only). */
  auditSealDevKey: 'AUDIT_SEAL_DEV_KEY',
  /** The absolute URL of GET /v1/events/schemas: what the events' `dataschema` points to. */
  eventSchemasUrl: 'EVENT_SCHEMAS_URL',
  /** The event bus the outbox dispatcher publishes case events on. */
  eventBusName: 'EVENT_BUS_NAME',
  /**
   * Optional: after how many seconds the reconciler delivers an outbox item the stream has not
   * (default 60). Kept at or below the reconciler's period, a lost delivery is made up within
   * two periods; the local host shortens both for tests and benchmarks.
   */
  outboxStaleAfterSeconds: 'OUTBOX_STALE_AFTER_SECONDS',
  /** The base URL of the citizen's case overview (DOSIS's dossier API, or the local fixture). */
  caseOverviewUrl: 'CASE_OVERVIEW_URL',
  /** The OAuth token endpoint that grants access to the case overview. */
  caseOverviewTokenUrl: 'CASE_OVERVIEW_TOKEN_URL',
  /** The Secrets Manager secret holding the case overview client's id and private JWK (AWS). */
  caseOverviewSecretArn: 'CASE_OVERVIEW_SECRET_ARN',
  /** The case overview client's id and private JWK as JSON (local host only: a key the local stack made for its fixture). */
  caseOverviewDevCredentials: 'CASE_OVERVIEW_DEV_CREDENTIALS',
  /**
   * Which webhook callback URLs the deployment calls: `public-https` on AWS (https to public
   * addresses only), `local-network` on the local host (http and localhost too).
   */
  callbackPolicy: 'CALLBACK_POLICY',
  /** Optional: multiplies the webhook retry schedule (the local host shortens it for tests; default 1). */
  webhookTimeScale: 'WEBHOOK_TIME_SCALE',
} as const;

/** Reads a required environment variable once, at module load; a missing one stops the cold start loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is not set`);
  }
  return value;
}

/** The deployment's webhook callback policy; anything but the two known values stops the cold start. */
export function callbackPolicyOf(value: string): 'public-https' | 'local-network' {
  if (value === 'public-https' || value === 'local-network') return value;
  throw new Error(`${environmentNames.callbackPolicy} must be public-https or local-network, not '${value}'`);
}

/** A positive time scale from the environment; absent: 1. */
export function timeScaleOf(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`${environmentNames.webhookTimeScale} must be a positive number, not '${value}'`);
  return scale;
}
