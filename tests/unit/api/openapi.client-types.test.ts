import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { buildOpenApiDocument } from '../../../functions/api/openapi.document';
import { catalogue } from '../../../functions/catalogue/catalogue';

/*
 * What a portal's generated client makes of the document: openapi-typescript turns it into
 * types, as a portal's build would, and the TypeScript compiler checks what a developer writes
 * against them. A request the server would refuse for its shape (both identifiers, neither, a
 * field its type does not declare, a message without its required data) must not compile; each
 * type's example request must compile as it is.
 */

interface Snippet {
  readonly code: string;
  readonly compiles: boolean;
  /** A word the compiler's complaint names, such as the missing field. */
  readonly names?: string;
}

const header = [
  "import type { components, paths } from './loket';",
  "type Submission = paths['/v1/cases']['post']['requestBody']['content']['application/json'];",
  "type Message = paths['/v1/cases/{id}/messages']['post']['requestBody']['content']['application/json'];",
  "type Completion = paths['/v1/tasks/{id}/complete']['post']['requestBody']['content']['application/json'];",
  "type ProcessingLogRequest = paths['/v1/data-subject/processing-log']['post']['requestBody']['content']['application/json'];",
  'export type { components, Submission, Message, Completion, ProcessingLogRequest };',
].join('\n');

const parkingPermit = (fields: string) => `export const request: Submission = { type: 'resident-parking-permit', ${fields} };`;

const snippets: Record<string, Snippet> = {
  ...Object.fromEntries(
    catalogue.all().map((type) => [`the example request of ${type.key}, as it is`, { code: `export const request: Submission = ${JSON.stringify(type.example)};`, compiles: true }]),
  ),
  'the example a type view gives (GET /v1/transaction-types/{key}), sent as it is': {
    code: "declare const view: components['schemas']['TransactionTypeView'];\nexport const request: Submission = view.example;",
    compiles: true,
  },
  'a citizen with the data the type declares': { code: parkingPermit("applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234', zone: 'Centrum' }"), compiles: true },
  'a business, for a type that accepts both kinds': {
    code: "export const request: Submission = { type: 'event-permit', applicant: { kbo: '0123456749' }, data: {} as components['schemas']['EventPermitData'] };",
    compiles: true,
  },
  'insz and kbo together': {
    code: "export const request: Submission = { type: 'event-permit', applicant: { insz: '85073003328', kbo: '0123456749' }, data: {} as components['schemas']['EventPermitData'] };",
    compiles: false,
  },
  'neither insz nor kbo': { code: parkingPermit("applicant: {}, data: { licensePlate: '1-ABC-234' }"), compiles: false },
  'a business, for a type of citizens only': { code: parkingPermit("applicant: { kbo: '0123456749' }, data: { licensePlate: '1-ABC-234' }"), compiles: false, names: 'kbo' },
  'insz and kbo together, to the data protection officer': {
    code: "export const request: ProcessingLogRequest = { applicant: { insz: '85073003328', kbo: '0123456749' }, limit: 50 };",
    compiles: false,
  },
  'a data field the type does not declare': { code: parkingPermit("applicant: { insz: '85073003328' }, data: { licensePlate: '1-ABC-234', colour: 'red' }"), compiles: false, names: 'colour' },
  'data without a field the type requires': { code: parkingPermit("applicant: { insz: '85073003328' }, data: { zone: 'Centrum' }"), compiles: false, names: 'licensePlate' },
  'a type that is not published': { code: "export const request: Submission = { type: 'no-such-type', applicant: { insz: '85073003328' }, data: {} };", compiles: false },
  'payment-received with its amount and reference': { code: "export const message: Message = { name: 'payment-received', data: { amount: 35, reference: '+++090/9337/55493+++' } };", compiles: true },
  'payment-received without amount': { code: "export const message: Message = { name: 'payment-received', data: { reference: '+++090/9337/55493+++' } };", compiles: false, names: 'amount' },
  'payment-received with {}': { code: "export const message: Message = { name: 'payment-received', data: {} };", compiles: false, names: 'amount' },
  'a completion of the parking permit review': {
    code: "export const completion: components['schemas']['ResidentParkingPermitReviewPermitCompletion'] = { outcome: 'approve', data: { vehicleRegistrationChecked: true } };",
    compiles: true,
  },
  'a completion with an outcome its task does not declare': {
    code: "export const completion: components['schemas']['ResidentParkingPermitReviewPermitCompletion'] = { outcome: 'maybe' };",
    compiles: false,
    names: 'maybe',
  },
  'a completion with an outcome no task declares': { code: "export const completion: Completion = { outcome: 'maybe' };", compiles: false },
};

let scratch: string;
/** The compiler's complaints about each snippet, by the snippet's name. */
let complaints: Record<string, string[]>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-client-'));
  writeFileSync(join(scratch, 'loket.d.ts'), astToString(await openapiTS(buildOpenApiDocument() as never)));
  writeFileSync(join(scratch, 'client.ts'), header);
  const files = Object.entries(snippets).map(([name, snippet], index) => {
    const file = join(scratch, `snippet-${index}.ts`);
    writeFileSync(file, `import type { components, Submission, Message, Completion, ProcessingLogRequest } from './client';\n${snippet.code}\n`);
    return [file, name] as const;
  });
  const program = ts.createProgram({
    rootNames: [join(scratch, 'client.ts'), ...files.map(([file]) => file)],
    options: {
      strict: true,
      noEmit: true,
      noUnusedLocals: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
    },
  });
  const nameOf = new Map(files);
  complaints = Object.fromEntries(Object.keys(snippets).map((name) => [name, []]));
  const unexpected: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const name = diagnostic.file && nameOf.get(diagnostic.file.fileName);
    if (name) complaints[name]!.push(message);
    else unexpected.push(`${diagnostic.file?.fileName ?? 'options'}: ${message}`);
  }
  // The generated types and the header must compile by themselves, or every verdict below means nothing.
  if (unexpected.length > 0) throw new Error(unexpected.join('\n'));
}, 60_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('a client generated from the OpenAPI document by openapi-typescript', () => {
  test.each(Object.entries(snippets).filter(([, snippet]) => snippet.compiles))('compiles %s', (name) => {
    expect(complaints[name]).toEqual([]);
  });

  test.each(Object.entries(snippets).filter(([, snippet]) => !snippet.compiles))('refuses %s at compile time', (name, snippet) => {
    expect(complaints[name]).not.toEqual([]);
    if (snippet.names) expect(complaints[name]!.join('\n')).toContain(snippet.names);
  });
});
