import { environmentNames, requireEnv } from '../commons/config';
import { fixtureEnterpriseRegister } from './enterprise-register.fixture';

/** An enterprise as the Crossroads Bank for Enterprises (KBO/BCE) knows it. */
export interface RegisteredEnterprise {
  readonly kbo: string;
  readonly name: string;
  readonly legalForm: string;
  readonly active: boolean;
  readonly seat: { readonly street: string; readonly postalCode: string; readonly municipality: string; readonly nisCode: string };
}

/** The connector to the authentic source for businesses; a real one would call the KBO's public web services. */
export interface EnterpriseRegister {
  findEnterprise(kbo: string): Promise<RegisteredEnterprise | undefined>;
}

const connectors: Record<string, EnterpriseRegister> = { fixture: fixtureEnterpriseRegister };

function selectConnector(name: string): EnterpriseRegister {
  const connector = connectors[name];
  if (!connector) throw new Error(`Unknown enterprise register connector '${name}'`);
  return connector;
}

export const enterpriseRegister = selectConnector(requireEnv(environmentNames.enterpriseRegister));
