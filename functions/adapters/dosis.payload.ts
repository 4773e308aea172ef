import { createHash } from 'node:crypto';
import * as z from '../domain/zod';
import { ipdcProductIdSchema } from '../domain/transaction-type';
import type { CaseOverviewUpdate } from '../ports/case-overview.port';

/*
 * The dossier DOSIS takes at `POST /api/v1/dosis/dossiers`, as far as its public traces show it:
 * Digitaal Vlaanderen's "API-calls DOSIS" page (the endpoints, JSON in PascalCase, a dossier keyed
 * by its source and dossier number, 200 OK = accepted for asynchronous processing), the DOSIS
 * glossary (Agenten, Actie Nodig), the notification model (ProductId = the IPDC id,
 * TransactieId = source + dossier) and the public VLAIO dosis-connector (the field names below).
 * Fields marked UNCONFIRMED could not be checked against an official schema offline.
 */

/** The Flemish phases of a dossier ("Vlaamse fase"). UNCONFIRMED as a closed list: taken from the VLAIO connector. */
export const vlaamseFasen = ['Samenstelling', 'Behandeling', 'Beslissing', 'Beroep', 'Uitvoering', 'Afgerond'] as const;

/** The Flemish status codes ("Vlaamse code"). UNCONFIRMED as a closed list: taken from the VLAIO connector's test data. */
export const vlaamseCodes = [
  'Geinitieerd',
  'Aangevraagd',
  'Ingediend',
  'DossierOnvolledig',
  'DossierVolledig',
  'Ontvankelijk',
  'OnOntvankelijk',
  'InBehandeling',
  'KlaarVoorBeslissing',
  'InWacht',
  'Beslist',
  'Goedgekeurd',
  'Stopgezet',
  'Stopzetting',
  'Geweigerd',
  'KlaarVoorBetaling',
  'Betaald',
  'DeelsUitbetaald',
  'Uitgevoerd',
  'ErkendVergund',
  'DeelsGoedgekeurd',
] as const;

/** The access right a citizen needs to see a dossier in Mijn Burgerprofiel (the VLAIO connector's `BURGERRECHT`). */
export const citizenAccessRight = 'Raadpleger';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const dosisDossierSchema = z.strictObject({
  Identificatie: z.strictObject({ Bron: text(200), DossierNummer: text(100) }),
  /** One per upload; DOSIS reports processing results by it. Loket derives it from the update, so a retry repeats it. */
  UploadId: z.uuid(),
  Naam: text(200),
  /** When the dossier changed. UNCONFIRMED: the format (ISO 8601 with offset here; the connector sends local time). */
  WijzigingsDatum: z.iso.datetime({ offset: true }),
  Status: z.strictObject({
    VlaamsFase: z.enum(vlaamseFasen),
    VlaamsCode: z.enum(vlaamseCodes),
    /** The status's text for the citizen, in Dutch. UNCONFIRMED: whether DOSIS takes a text in another language. */
    Detail1: text(2000),
    /** Set when the next move is the applicant's ("Actie Nodig"). */
    Actie: z.optional(z.strictObject({ ActieNodig: z.boolean(), Actie: text(2000) })),
  }),
  TypeDossierCode: z.literal('DossierStatus'),
  /** A list in the API that holds exactly one product. */
  Producten: z.array(z.strictObject({ Id: ipdcProductIdSchema })).check(z.length(1)),
  /**
   * Whose profile shows the dossier: a national number (11 digits) or an enterprise number
   * (10 digits), with the rights needed to see it. UNCONFIRMED: the rights a business needs
   * (IDM rights of the e-loket for businesses); the citizen's right is sent for both.
   */
  Agenten: z.array(z.strictObject({ Identificatie: z.string().check(z.regex(/^([0-9]{11}|[01][0-9]{9})$/)), Toegangsrechten: z.array(z.strictObject({ Code: text(100) })).check(z.minLength(1), z.maxLength(10)) })).check(z.minLength(1), z.maxLength(10)),
});

export type DosisDossier = z.infer<typeof dosisDossierSchema>;

/** How DOSIS answers an accepted upload. */
export const dosisUploadStatusSchema = z.object({ Status: z.string().check(z.maxLength(100)), UploadId: z.string().check(z.maxLength(100)) });

/** How DOSIS describes a refusal. */
export const dosisErrorSchema = z.object({ Code: z.string().check(z.maxLength(100)), Message: z.string().check(z.maxLength(500)), Description: z.optional(z.string().check(z.maxLength(2000))) });

type Placement = Pick<DosisDossier['Status'], 'VlaamsFase' | 'VlaamsCode'> & { applicantActs?: boolean };

/**
 * Where Loket's status codes sit in the Flemish phases. A code not listed here is in
 * treatment while the case is open, and stopped once it is closed. UNCONFIRMED: DOSIS's
 * own guidance on which code fits which situation.
 */
const placements: Readonly<Record<string, Placement>> = {
  submitted: { VlaamsFase: 'Samenstelling', VlaamsCode: 'Ingediend' },
  'awaiting-documents': { VlaamsFase: 'Behandeling', VlaamsCode: 'DossierOnvolledig', applicantActs: true },
  'awaiting-replanting-plan': { VlaamsFase: 'Behandeling', VlaamsCode: 'DossierOnvolledig', applicantActs: true },
  'awaiting-payment': { VlaamsFase: 'Uitvoering', VlaamsCode: 'KlaarVoorBetaling', applicantActs: true },
  'awaiting-decision': { VlaamsFase: 'Behandeling', VlaamsCode: 'KlaarVoorBeslissing' },
  'objection-period': { VlaamsFase: 'Beslissing', VlaamsCode: 'Beslist' },
  issued: { VlaamsFase: 'Afgerond', VlaamsCode: 'Goedgekeurd' },
  granted: { VlaamsFase: 'Afgerond', VlaamsCode: 'Goedgekeurd' },
  registered: { VlaamsFase: 'Afgerond', VlaamsCode: 'Goedgekeurd' },
  rejected: { VlaamsFase: 'Afgerond', VlaamsCode: 'Geweigerd' },
  refused: { VlaamsFase: 'Afgerond', VlaamsCode: 'Geweigerd' },
};

function placementOf(status: CaseOverviewUpdate['status']): Placement {
  return placements[status.code] ?? (status.final ? { VlaamsFase: 'Afgerond', VlaamsCode: 'Stopgezet' } : { VlaamsFase: 'Behandeling', VlaamsCode: 'InBehandeling' });
}

/**
 * The upload id of an update: a UUID (version 8, name-based) of its transaction id, status and
 * place in the case's trail, so that a retried update carries the same id and DOSIS, or the
 * fixture, can tell it from a new one.
 */
export function uploadIdOf(update: Pick<CaseOverviewUpdate, 'transactionId' | 'status' | 'sequence'>): string {
  const hex = createHash('sha256').update(`${update.transactionId}\n${update.status.code}\n${update.sequence}`).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The DOSIS dossier of an update: the case, its status in the Flemish phases and the applicant as its agent. */
export function dosisDossierOf(update: CaseOverviewUpdate): DosisDossier {
  const placement = placementOf(update.status);
  const identificatie = 'insz' in update.applicant ? update.applicant.insz : update.applicant.kbo;
  return {
    Identificatie: { Bron: update.source, DossierNummer: update.caseNumber },
    UploadId: uploadIdOf(update),
    Naam: update.title.nl,
    WijzigingsDatum: update.status.since,
    Status: {
      VlaamsFase: placement.VlaamsFase,
      VlaamsCode: placement.VlaamsCode,
      Detail1: update.status.text.nl,
      ...(placement.applicantActs ? { Actie: { ActieNodig: true, Actie: update.status.text.nl } } : {}),
    },
    TypeDossierCode: 'DossierStatus',
    Producten: [{ Id: update.productId }],
    Agenten: [{ Identificatie: identificatie, Toegangsrechten: [{ Code: citizenAccessRight }] }],
  };
}
