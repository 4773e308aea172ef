import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { renderDocumentPdf } from '../../../functions/adapters/pdf.renderer';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import { documentFields, documentTemplateProblems, writeDocument, type CertifiedPerson, type DocumentTemplate } from '../../../functions/domain/document';
import { renderTemplate, templateProblems, type FieldUse } from '../../../functions/domain/document-template';
import type { Tenant } from '../../../functions/domain/tenant';

/**
 * Each shipped document as the TypeScript builders it replaces wrote it (their text, and the
 * SHA-256 of the PDF rendered from it), captured from those builders before they were deleted.
 *
 * The hashes were pinned again when Loket's own PDF writer replaced pdf-lib (issue 14): the file
 * changed (PDF 1.4, uncompressed content, literal strings, fixed font names), what it shows did not.
 * Read back, nine of the ten draw the same lines, fonts, sizes, colours and positions as before,
 * with the same metadata; in the tenth (event-permit, business) one Dutch line now wraps a word
 * earlier, because pdf-lib measured with kerning that its drawing does not apply, so that line ran
 * 0.2 pt past the right margin.
 */
interface Before {
  readonly type: string;
  readonly name: string;
  readonly tenant: Tenant;
  readonly applicant: Case['applicant'];
  readonly person: CertifiedPerson | null;
  readonly data: Record<string, unknown>;
  readonly now: string;
  readonly document: Record<string, unknown>;
  readonly pdfSha256: string;
}

const before = JSON.parse(readFileSync(new URL('./fixtures/documents-before.json', import.meta.url), 'utf8')) as Before[];

const templateOf = (key: string): DocumentTemplate => {
  const template = catalogue.documentOf({ key, version: catalogue.find(key)?.version ?? 0 });
  if (!template) throw new Error(`${key} declares no document`);
  return template;
};

describe('the shipped documents, written from their folders’ templates', () => {
  test('every shipped type that issues a document is in the before-and-after comparison', () => {
    const compared = new Set(before.map((entry) => entry.type));
    expect(catalogue.all().filter((type) => type.document && compared.has(type.key)).map((type) => type.key).sort()).toEqual(
      ['event-permit', 'proof-of-residence', 'resident-parking-permit', 'terrace-permit'],
    );
  });

  test.each(before.map((entry) => [`${entry.type}, ${entry.name}`, entry] as const))('%s: the same text and the same PDF bytes as before', async (_name, entry) => {
    const subject = { number: `${entry.tenant.id}-2026-000042`, applicant: entry.applicant, data: entry.data } as unknown as Case;
    const written = writeDocument(templateOf(entry.type), { subject, tenant: entry.tenant, person: entry.person ?? undefined, now: new Date(entry.now) });
    expect(written).toEqual(entry.document);
    const pdf = await renderDocumentPdf({ document: written, issuer: entry.tenant.name });
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(entry.pdfSha256);
  });
});

describe('the template language', () => {
  const fields = new Map<string, FieldUse>([
    ['name', 'value'],
    ['flag', 'condition'],
  ]);
  const values = (given: Record<string, string | boolean | undefined>) => (name: string) => given[name];

  test('writes values, and sections only when their field holds a value; an inverted section only when not', () => {
    const source = 'Hello {{name}}{{#flag}}, flagged{{/flag}}{{^flag}}, plain{{/flag}}{{#name}}!{{/name}}';
    expect(renderTemplate(source, values({ name: 'Ann', flag: true }))).toBe('Hello Ann, flagged!');
    expect(renderTemplate(source, values({ name: '', flag: false }))).toBe('Hello , plain');
    expect(renderTemplate(source, values({}))).toBe('Hello , plain');
  });

  test('joins the lines of a paragraph with a space and keeps paragraphs apart', () => {
    expect(renderTemplate('  one\ntwo  \r\n\n\nthree\n', values({}))).toBe('one two\nthree');
  });

  test('writes a value as it is, never as template text', () => {
    expect(renderTemplate('{{name}}', values({ name: '{{flag}}' }))).toBe('{{flag}}');
  });

  test.each([
    ['{{nmae}}', '{{nmae}} names no field of the case; use one of flag, name'],
    ['{{#nmae}}x{{/nmae}}', '{{#nmae}} names no field of the case; use one of flag, name'],
    ['{{flag}}', '{{flag}} is a condition, not a text; use it as a section: {{#flag}}…{{/flag}}'],
  ])('%s names a field wrongly: %s', (source, message) => {
    expect(templateProblems(source, fields).map((found) => `${found.what}; ${found.fix}`)).toEqual([message]);
  });

  test.each([
    ['{{#flag}}x', '{{#flag}} is not closed; close it with {{/flag}}'],
    ['{{^flag}}x', '{{^flag}} is not closed; close it with {{/flag}}'],
    ['{{#flag}}{{^name}}x', '{{^name}} is not closed; close it with {{/name}}'],
    ['{{#flag}}x{{/name}}', '{{/name}} closes {{#flag}}; close it with {{/flag}} first'],
    ['x{{/flag}}', '{{/flag}} closes no section; open it with {{#flag}} or {{^flag}}, or remove it'],
    ['{{#flag}}{{^name}}x{{/flag}}{{/name}}', '{{/flag}} closes {{^name}}; close it with {{/name}} first'],
    ['{{ }}', '"{{ }}" names no field; write the field between the braces, e.g. {{number}}'],
    ['{{name} and more', '"{{name} and more" has a "{{" or "}}" that is no placeholder; write a placeholder as {{field}}, {{#field}}, {{^field}} or {{/field}}'],
  ])('%s is malformed and cannot be written: %s', (source, message) => {
    expect(templateProblems(source, fields).map((found) => `${found.what}; ${found.fix}`)).toContain(message);
    expect(() => renderTemplate(source, values({}))).toThrow('the template cannot be written');
  });

  test('a section closed by the wrong name stays open, so each mistake is reported once, and writing names them all', () => {
    const source = '{{#flag}}{{^name}}x{{/flag}}{{/name}}';
    expect(templateProblems(source, fields).map((found) => `${found.what}; ${found.fix}`)).toEqual([
      '{{/flag}} closes {{^name}}; close it with {{/name}} first',
      '{{#flag}} is not closed; close it with {{/flag}}',
    ]);
    expect(() => renderTemplate(source, values({}))).toThrow('the template cannot be written: {{/flag}} closes {{^name}}; {{#flag}} is not closed');
  });

  test('a field named wrongly twice is reported once; another wrong one is reported too', () => {
    expect(templateProblems('{{nmae}} and {{nmae}} and {{flg}}', fields).map((found) => found.what)).toEqual(['{{nmae}} names no field of the case', '{{flg}} names no field of the case']);
  });

  test('sections left open are reported innermost first, as they must be closed', () => {
    expect(templateProblems('{{#flag}}{{^name}}x', fields).map((found) => found.what)).toEqual(['{{^name}} is not closed', '{{#flag}} is not closed']);
  });

  test('a stray brace is quoted without the spaces around it', () => {
    expect(templateProblems('{{#flag}} oops}} {{/flag}}', fields).map((found) => found.what)).toEqual(['"oops}}" has a "{{" or "}}" that is no placeholder']);
  });

  test('a sound template has no problems', () => {
    expect(templateProblems('{{name}}\n\n{{#flag}}{{^name}}x{{/name}}{{/flag}}', fields)).toEqual([]);
  });
});

describe('the fields of a document', () => {
  const declaration = { kind: 'permit', title: { nl: 'T', en: 'T' }, template: { nl: 'a.txt', en: 'b.txt' } } as const;
  const inputSchema = { type: 'object', properties: { plate: { type: 'string' }, address: { type: 'object', properties: { street: { type: 'string' } } } } };

  test('are the common ones, validUntil when the document declares a validity, and one per property of the input schema', () => {
    const fields = documentFields({ inputSchema }, declaration);
    expect(fields.get('data.plate')).toBe('value');
    expect(fields.get('data.address')).toBe('condition');
    expect(fields.get('data.address.street')).toBe('value');
    expect(fields.has('validUntil')).toBe(false);
    expect(documentFields({ inputSchema }, { ...declaration, validForDays: 30 }).get('validUntil')).toBe('value');
  });

  test('a template naming a property the input schema does not declare is a problem in its language', () => {
    const problems = documentTemplateProblems({ inputSchema }, { declaration, source: { nl: '{{data.plate}}', en: '{{data.plaat}}' } });
    expect(problems).toEqual([expect.objectContaining({ language: 'en', what: '{{data.plaat}} names no field of the case' })]);
  });

  test('nested data and validUntil are written', () => {
    const subject = { number: '44021-2026-000001', applicant: { kbo: '0999000129' }, data: { address: { street: 'Kaai 1' } } } as unknown as Case;
    const tenant: Tenant = { id: '44021', name: { nl: 'Stad Gent', en: 'City of Ghent' }, kind: 'municipality' };
    const written = writeDocument(
      { declaration: { ...declaration, validForDays: 30 }, source: { nl: '{{#data.address}}{{data.address.street}}{{/data.address}} {{holder}} {{validUntil}}', en: '{{^person}}none{{/person}}' } },
      { subject, tenant, now: new Date('2026-11-10T12:00:00Z') },
    );
    expect(written.text).toEqual({ nl: 'Kaai 1 KBO 0999000129 10/12/2026', en: 'none' });
  });

  test('an input schema without properties adds no data fields', () => {
    const fields = documentFields({ inputSchema: { type: 'string' } }, declaration);
    expect([...fields.keys()].filter((name) => name.startsWith('data.'))).toEqual([]);
  });

  const tenant: Tenant = { id: '44021', name: { nl: 'Stad Gent', en: 'City of Ghent' }, kind: 'municipality' };
  const writeWith = (source: string, subject: Case, person?: CertifiedPerson, now = new Date('2026-11-10T12:00:00Z')) =>
    writeDocument({ declaration, source: { nl: source, en: '' } }, { subject, tenant, person, now }).text.nl;

  test('a false or null data value is no value; a number is written as it is', () => {
    const subject = { number: '44021-2026-000001', applicant: { kbo: '0999000129' }, data: { flag: false, none: null, count: 3 } } as unknown as Case;
    const section = (field: string) => `{{#${field}}}yes{{/${field}}}{{^${field}}}no{{/${field}}}`;
    expect(writeWith(`${section('data.flag')} ${section('data.none')} ${section('data.count')} {{data.count}}`, subject)).toBe('no no yes 3');
    // A field path walks objects only: it does not index into a list.
    const listed = { ...subject, data: { list: ['a'] } } as unknown as Case;
    expect(writeWith('[{{data.list.0}}]', listed)).toBe('[]');
    // Nor through a null: an address the applicant left empty writes no street, rather than failing the document.
    const unaddressed = { ...subject, data: { address: null } } as unknown as Case;
    expect(writeWith('[{{data.address.street}}]', unaddressed)).toBe('[]');
  });

  test('the applicant and person fields are empty when the case has no such applicant or person, and written when it has', () => {
    const company = { number: '44021-2026-000001', applicant: { kbo: '0999000129' }, data: {} } as unknown as Case;
    const citizen = { number: '44021-2026-000002', applicant: { insz: '85073003328' }, data: {} } as unknown as Case;
    const person: CertifiedPerson = { givenName: 'An', familyName: 'Peeters', address: { street: 'Kaai 1', postalCode: '9000', municipality: 'Gent', nisCode: '44021' } };
    const fields = '[{{applicant.insz}}][{{applicant.kbo}}][{{person.name}}][{{person.address}}]{{#person}}P{{/person}}';
    expect(writeWith(fields, company)).toBe('[][0999000129][][]');
    expect(writeWith(fields, citizen, person)).toBe('[85.07.30-033.28][][An Peeters][Kaai 1, 9000 Gent]P');
  });

  test('is issued on the Brussels date, written dd/mm/yyyy', () => {
    const subject = { number: '44021-2026-000001', applicant: { kbo: '0999000129' }, data: {} } as unknown as Case;
    // 23:30 UTC on 1 March is already 2 March in Brussels.
    expect(writeWith('{{issuedOn}}', subject, undefined, new Date('2026-03-01T23:30:00Z'))).toBe('02/03/2026');
  });
});
