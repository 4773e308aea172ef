// Shim while case-lifecycle moves to `catalogue.documentBuilder`; each type's document now lives in workflows/<key>/document.ts.
import type { CaseDocument } from './case';
import type { DocumentInput } from './document';
import { catalogue } from '../catalogue/catalogue';

/** @deprecated Use `catalogue.documentBuilder(typeKey)`. */
export function buildDocument(typeKey: string, input: DocumentInput): CaseDocument {
  const build = catalogue.documentBuilder(typeKey);
  if (!build) throw new Error(`no document is defined for type '${typeKey}'`);
  return build(input);
}
