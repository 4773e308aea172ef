import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../domain/zod';
import { environmentNames, requireEnv } from '../commons/config';
import { traced } from '../commons/powertools';
import type { CitizenCaseOverview } from '../ports/case-overview.port';
import { dosisCaseOverview, oauthClientCredentials, type DosisCredentials } from './case-overview.dosis';

const credentialsSchema = z.object({
  clientId: z.string().check(z.minLength(1), z.maxLength(200)),
  privateJwk: z.looseObject({ kty: z.string().check(z.maxLength(10)) }),
});

/** Parses the credentials' JSON; the error never repeats the text, which holds a private key. */
function credentialsOf(text: string | undefined, where: string): DosisCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new Error(`${where} is not JSON of {clientId, privateJwk}`);
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where} is not {clientId, privateJwk}: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  return parsed.data as DosisCredentials;
}

/**
 * The case overview client's credentials: from Secrets Manager when the host names a secret
 * (AWS), read when first needed and kept for the execution environment; from the development
 * credentials otherwise (the local host and its fixture).
 */
function credentialsOfHost(): () => Promise<DosisCredentials> {
  const secretArn = process.env[environmentNames.caseOverviewSecretArn];
  if (!secretArn) {
    const credentials = credentialsOf(requireEnv(environmentNames.caseOverviewDevCredentials), environmentNames.caseOverviewDevCredentials);
    return async () => credentials;
  }
  const secrets = traced(new SecretsManagerClient({}));
  let read: Promise<DosisCredentials> | undefined;
  return () => {
    read ??= secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).then((secret) => credentialsOf(secret.SecretString, 'the case overview secret'));
    read.catch(() => (read = undefined));
    return read;
  };
}

/** The citizen's case overview of this execution environment: DOSIS on AWS, the fixture receiver locally. */
export const citizenCaseOverview: CitizenCaseOverview = dosisCaseOverview({
  baseUrl: requireEnv(environmentNames.caseOverviewUrl),
  tokens: oauthClientCredentials({ tokenUrl: requireEnv(environmentNames.caseOverviewTokenUrl), credentials: credentialsOfHost() }),
});
