import { createHash } from 'node:crypto';

/** The SHA-256 of some bytes, in hex: how a document's file is checked. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
