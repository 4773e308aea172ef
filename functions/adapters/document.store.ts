import { sha256Hex } from '../domain/digest';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { documentKeyPrefix, environmentNames, requireEnv } from '../commons/config';
import { s3 } from '../commons/s3.client';
import type { DocumentFile } from '../domain/case';
import type { CaseFiles } from '../ports/retention.port';
import { s3CaseFiles } from './case-files';
import type { DocumentFiling } from '../ports/services.port';

const bucket = requireEnv(environmentNames.documentsBucket);

/** Which document a file holds: one per reference, within its case and tenant. */
export interface DocumentAddress {
  readonly tenant: string;
  readonly caseId: string;
  readonly reference: string;
}

function segment(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) throw new Error(`'${value}' cannot be part of a document key`);
  return value;
}

/** Where the files of one case are kept: every document key of the case starts with it. */
function casePrefix(address: Omit<DocumentAddress, 'reference'>): string {
  return `${documentKeyPrefix}${segment(address.tenant)}/${segment(address.caseId)}/`;
}

/** The one place that knows how document keys are formed. */
export function documentKey(address: DocumentAddress): string {
  return `${casePrefix(address)}${segment(address.reference)}.pdf`;
}

/**
 * Issued documents in S3. On AWS the bucket encrypts every object with its KMS key by
 * default, so the functions pass no key; locally the same calls reach an S3-compatible server.
 */
export const documentStore = {
  /**
   * Stores a PDF at the document's deterministic key (a retried step overwrites its own earlier
   * attempt) and describes what it stored, with the SHA-256 of the bytes.
   */
  async putPdf(address: DocumentAddress, bytes: Uint8Array): Promise<DocumentFile> {
    const key = documentKey(address);
    const contentType = 'application/pdf';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
    return { key, contentType, size: bytes.byteLength, sha256: sha256Hex(bytes) };
  },

  /** The file's bytes, or undefined when no object has the key. */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body ? await object.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  },
};

/** Reads kept documents without loading the renderer, for the functions that only hand files out. */
export const storedDocuments: Pick<DocumentFiling, 'read'> = { read: (file) => documentStore.get(file.key) };

/**
 * A case's files, for its destruction: listed under the case's key prefix, so that a file a
 * retried step left and the case does not record goes too, and destroyed with every version the
 * bucket keeps of them.
 */
export const caseFiles: CaseFiles = s3CaseFiles(s3, bucket, (subject) => casePrefix({ tenant: subject.tenant, caseId: subject.id }));
