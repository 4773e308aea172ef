/** A local government (bestuur) that offers its transactions through Loket. */
export interface Tenant {
  /** NIS code of a municipality (e.g. 44021 Gent), or the province's code. */
  readonly id: string;
  readonly name: { readonly nl: string; readonly en: string };
  readonly kind: 'municipality' | 'ocmw' | 'province';
}
