import { environmentNames, requireEnv } from '../commons/config';
import type { EnterpriseRegister } from '../ports/registers.port';
import { fixtureEnterpriseRegister } from './enterprise-register.fixture';

const connectors: Record<string, EnterpriseRegister> = { fixture: fixtureEnterpriseRegister };

function selectConnector(name: string): EnterpriseRegister {
  const connector = connectors[name];
  if (!connector) throw new Error(`Unknown enterprise register connector '${name}'`);
  return connector;
}

export const enterpriseRegister = selectConnector(requireEnv(environmentNames.enterpriseRegister));
