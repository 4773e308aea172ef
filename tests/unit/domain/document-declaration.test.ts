import { describe, expect, test } from '@jest/globals';
import { documentDeclarationSchema } from '../../../functions/domain/document-declaration';

const declaration = (template: { nl: string; en: string }) => ({
  kind: 'certificate',
  title: { nl: 'Attest van woonst', en: 'Proof of residence' },
  template,
  validForDays: 90,
});
const accepts = (name: string) => documentDeclarationSchema.safeParse(declaration({ nl: name, en: 'document.en.txt' })).success;

describe("a document's template file, as type.json names it", () => {
  test('is a plain name in the type folder ending in .txt', () => {
    for (const name of ['document.nl.txt', 'permit.txt', 'a.b-c.txt', '0-certificate.nl.txt']) expect({ name, accepted: accepts(name) }).toEqual({ name, accepted: true });
  });

  test('is never a path, in or out of the folder, nor a name that only contains a .txt name', () => {
    for (const name of ['../event-permit/document.nl.txt', 'versions/1/document.nl.txt', '/etc/document.nl.txt', 'document.nl.txt/../../type.json', 'document.nl.txt.bak', '-document.nl.txt', 'Document.nl.txt', 'document.nl.TXT']) {
      expect({ name, accepted: accepts(name) }).toEqual({ name, accepted: false });
    }
  });

  test('says what it expects when refused', () => {
    const result = documentDeclarationSchema.safeParse(declaration({ nl: '../document.nl.txt', en: 'document.en.txt' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['template', 'nl'], message: 'a file name in the type folder ending in .txt, e.g. document.nl.txt' })]);
  });
});
