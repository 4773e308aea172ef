import type { Case, CaseDocument } from './case';
import type { DocumentDeclaration } from './document-declaration';
import { renderTemplate, templateProblems, type FieldUse, type FieldValue, type TemplateProblem } from './document-template';
import type { Tenant } from './tenant';

/** The register's view of the applicant, as far as the certificate needs it. */
export interface CertifiedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly address: { readonly street: string; readonly postalCode: string; readonly municipality: string; readonly nisCode: string };
}

export const brusselsDay = (instant: Date) =>
  new Intl.DateTimeFormat('nl-BE', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(instant);

/** `85073003328` → `85.07.30-033.28`, the way Belgian documents print a national number. */
export function formatInsz(insz: string): string {
  return `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`;
}

export interface DocumentInput {
  readonly subject: Case;
  readonly tenant: Tenant;
  readonly person?: CertifiedPerson;
  readonly now: Date;
}


/** A type's document as the catalogue holds it: its declaration and its templates' text. */
export interface DocumentTemplate {
  readonly declaration: DocumentDeclaration;
  readonly source: { readonly nl: string; readonly en: string };
}

/** What of a type the fields of its document follow from. */
export interface DocumentedType {
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** The fields every document may name, whatever its type; `data.…` fields follow from the type's input schema. */
const commonFields: ReadonlyArray<readonly [string, FieldUse]> = [
  ['number', 'value'],
  ['issuedOn', 'value'],
  ['holder', 'value'],
  ['tenant.name', 'value'],
  ['tenant.id', 'value'],
  ['applicant.insz', 'value'],
  ['applicant.kbo', 'value'],
  ['person', 'condition'],
  ['person.name', 'value'],
  ['person.address', 'value'],
  ['person.registeredHere', 'condition'],
];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `data.…` fields of an input schema: every property, nested objects as conditions with their own properties. */
function dataFields(schema: unknown, prefix: string, into: Map<string, FieldUse>): void {
  if (!isObject(schema) || !isObject(schema.properties)) return;
  for (const [name, property] of Object.entries(schema.properties)) {
    const path = `${prefix}.${name}`;
    if (isObject(property) && isObject(property.properties)) {
      into.set(path, 'condition');
      dataFields(property, path, into);
    } else {
      into.set(path, 'value');
    }
  }
}

/**
 * The fields a type's document may name:
 * - `number` (the case's number, the document's reference), `issuedOn` (the day it is issued,
 *   dd/mm/yyyy in Brussels), `validUntil` (when the document declares `validForDays`);
 * - `tenant.name` (in the template's language), `tenant.id` (the NIS code);
 * - `holder`: the person's name from the population register, else the national number, else
 *   `KBO` and the enterprise number;
 * - `applicant.insz` (printed as 85.07.30-033.28) or `applicant.kbo`, empty for the other kind;
 * - `person.name`, `person.address` from the population register, and the conditions `person`
 *   (found in the register) and `person.registeredHere` (registered in the tenant's municipality);
 * - `data.<property>` for every property of the type's input schema (`data.newAddress.street`).
 */
export function documentFields(type: DocumentedType, declaration: DocumentDeclaration): Map<string, FieldUse> {
  const fields = new Map<string, FieldUse>(commonFields);
  if (declaration.validForDays !== undefined) fields.set('validUntil', 'value');
  dataFields(type.inputSchema, 'data', fields);
  return fields;
}

/** What is wrong with a document's templates, by language; empty when both can be written. */
export function documentTemplateProblems(type: DocumentedType, template: DocumentTemplate): Array<TemplateProblem & { readonly language: 'nl' | 'en' }> {
  const fields = documentFields(type, template.declaration);
  return (['nl', 'en'] as const).flatMap((language) => templateProblems(template.source[language], fields).map((found) => ({ ...found, language })));
}

/** Who holds a permit: the person's name, else their national or enterprise number. */
export function holderOf(subject: Case, person?: CertifiedPerson): string {
  if (person) return `${person.givenName} ${person.familyName}`;
  return 'insz' in subject.applicant ? formatInsz(subject.applicant.insz) : `KBO ${subject.applicant.kbo}`;
}

const dayMs = 24 * 60 * 60 * 1000;

function valueAt(data: unknown, path: readonly string[]): FieldValue {
  let value: unknown = data;
  for (const part of path) value = isObject(value) ? value[part] : undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return value === undefined || value === null ? undefined : true;
}

/** The value of each field for one document, in one language. */
function fieldValues(template: DocumentTemplate, input: DocumentInput, language: 'nl' | 'en'): (name: string) => FieldValue {
  const { subject, tenant, person, now } = input;
  const validForDays = template.declaration.validForDays;
  const values: Record<string, FieldValue> = {
    number: subject.number,
    issuedOn: brusselsDay(now),
    validUntil: validForDays === undefined ? undefined : brusselsDay(new Date(now.getTime() + validForDays * dayMs)),
    holder: holderOf(subject, person),
    'tenant.name': tenant.name[language],
    'tenant.id': tenant.id,
    'applicant.insz': 'insz' in subject.applicant ? formatInsz(subject.applicant.insz) : '',
    'applicant.kbo': 'kbo' in subject.applicant ? subject.applicant.kbo : '',
    person: person !== undefined,
    'person.name': person ? `${person.givenName} ${person.familyName}` : '',
    'person.address': person ? `${person.address.street}, ${person.address.postalCode} ${person.address.municipality}` : '',
    'person.registeredHere': person !== undefined && person.address.nisCode === tenant.id,
  };
  return (name) => (name.startsWith('data.') ? valueAt(subject.data, name.split('.').slice(1)) : values[name]);
}

/**
 * Writes a case's document from its type's templates, in Dutch and English, in the tenant's
 * name: the case's number is its reference, and it is issued in the applicant's language.
 */
export function writeDocument(template: DocumentTemplate, input: DocumentInput): CaseDocument {
  const { declaration, source } = template;
  return {
    kind: declaration.kind,
    reference: input.subject.number,
    issuedAt: input.now.toISOString(),
    language: input.subject.data.language === 'en' ? 'en' : 'nl',
    title: declaration.title,
    text: {
      nl: renderTemplate(source.nl, fieldValues(template, input, 'nl')),
      en: renderTemplate(source.en, fieldValues(template, input, 'en')),
    },
  };
}
