import { environmentNames, requireEnv } from '../commons/config';
import { fixturePopulationRegister } from './population-register.fixture';

/** A person as the population register (rijksregister / bevolkingsregister) knows them. */
export interface RegisteredPerson {
  readonly insz: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly address: {
    readonly street: string;
    readonly postalCode: string;
    readonly municipality: string;
    /** NIS code of the municipality of main residence. */
    readonly nisCode: string;
  };
}

/**
 * The connector to the authentic source for people (once-only: Loket looks people up
 * rather than asking again). A real connector (e.g. through the Flemish MAGDA services)
 * implements this same interface.
 */
export interface PopulationRegister {
  findPerson(insz: string): Promise<RegisteredPerson | undefined>;
  /** Records a move to a new main residence (the municipality's update of the register). */
  registerMove(insz: string, move: AddressChange): Promise<void>;
}

export interface AddressChange {
  readonly street: string;
  readonly postalCode: string;
  readonly municipality: string;
  readonly nisCode: string;
  /** ISO date from which the new address counts. */
  readonly from: string;
}

const connectors: Record<string, PopulationRegister> = { fixture: fixturePopulationRegister };

function selectConnector(name: string): PopulationRegister {
  const connector = connectors[name];
  if (!connector) throw new Error(`Unknown population register connector '${name}'`);
  return connector;
}

export const populationRegister = selectConnector(requireEnv(environmentNames.populationRegister));
