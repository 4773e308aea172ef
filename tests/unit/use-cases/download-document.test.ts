import { beforeEach, describe, expect, test } from '@jest/globals';
import type { Case, CaseDocument } from '../../../functions/domain/case';
import { downloadDocument } from '../../../functions/use-cases/download-document';
import type { InMemoryCaseStore, InMemoryDocumentFiling } from '../../support/in-memory-ports';
import { aCase, accessDoubles, callerOf, clerkOf, gent, inMemoryCaseStore, inMemoryDocumentFiling, portalOf, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');

let store: InMemoryCaseStore;
let access: ReturnType<typeof accessDoubles>;
let filing: InMemoryDocumentFiling;
let subject: Case;
let document: CaseDocument;

beforeEach(async () => {
  store = inMemoryCaseStore();
  access = accessDoubles();
  filing = inMemoryDocumentFiling();
  const opened = aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: submittedAt });
  const text: CaseDocument = {
    kind: 'certificate',
    reference: opened.number,
    issuedAt: submittedAt.toISOString(),
    language: 'nl',
    title: { nl: 'Attest van woonst', en: 'Proof of residence' },
    text: { nl: 'tekst', en: 'text' },
  };
  document = { ...text, file: await filing.file(text, opened, gent) };
  const unfiled: CaseDocument = { ...text, reference: 'OLD-1' };
  subject = store.seedCase({ ...opened, documents: [unfiled, document] });
});

const download = (caller = portalOf(), reference = document.reference, caseId = subject.id) =>
  downloadDocument({ cases: store, documents: filing, ...access })({ caller, caseId, reference, purpose: 'test' });

describe('downloading a document', () => {
  test('hands out the file and its bytes', async () => {
    const { file, bytes } = await download(clerkOf());
    expect(file).toEqual(document.file);
    expect(Buffer.from(bytes).toString('utf8')).toBe('Attest van woonst\ntekst');
    expect(access.processingLog.records).toEqual([
      expect.objectContaining({ action: 'document.download', caseId: subject.id, tenant: subject.tenant, purpose: 'test', actor: expect.objectContaining({ subject: clerkOf().subject }) }),
    ]);
  });

  test("of another tenant's case is not-found; a designer is forbidden", async () => {
    await expect(download(portalOf('41002'))).rejects.toMatchObject({ kind: 'not-found' });
    await expect(download(callerOf('44021', ['designer']))).rejects.toMatchObject({ kind: 'forbidden' });
  });

  test('an unknown reference, or a document issued without a file, is not-found', async () => {
    await expect(download(portalOf(), 'NOPE')).rejects.toMatchObject({ kind: 'not-found', message: `document NOPE of case ${subject.id} does not exist` });
    await expect(download(portalOf(), 'OLD-1')).rejects.toMatchObject({ kind: 'not-found' });
  });

  test('missing bytes are an error, not an empty file', async () => {
    filing.files.delete(document.file!.key);
    await expect(download()).rejects.toThrow(`the file ${document.file!.key} of case ${subject.id} is missing from the document store`);
  });

  test('bytes that do not match the recorded SHA-256 are never handed out', async () => {
    const bytes = filing.files.get(document.file!.key)!;
    filing.files.set(document.file!.key, Uint8Array.from(bytes, (byte, index) => (index === 0 ? byte ^ 1 : byte)));
    await expect(download()).rejects.toThrow(`the file ${document.file!.key} of case ${subject.id} does not match its recorded SHA-256`);
  });
});
