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

export interface AddressChange {
  readonly street: string;
  readonly postalCode: string;
  readonly municipality: string;
  readonly nisCode: string;
  /** ISO date from which the new address counts. */
  readonly from: string;
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
