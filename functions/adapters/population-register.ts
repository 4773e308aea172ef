import { environmentNames, requireEnv } from '../commons/config';
import type { PopulationRegister } from '../ports/registers.port';
import { fixturePopulationRegister } from './population-register.fixture';

const connectors: Record<string, PopulationRegister> = { fixture: fixturePopulationRegister };

function selectConnector(name: string): PopulationRegister {
  const connector = connectors[name];
  if (!connector) throw new Error(`Unknown population register connector '${name}'`);
  return connector;
}

export const populationRegister = selectConnector(requireEnv(environmentNames.populationRegister));
