/**
 * Seals the heads of case audit trails with a key the table's writers do not hold (a KMS HMAC
 * key on AWS, a development key locally): whoever can write the table can change events and
 * cases, but cannot seal what they wrote.
 */
export interface AuditSeal {
  /** The MAC of the message under the seal's key. */
  seal(message: string): Promise<string>;
  /** Whether `mac` is the message's MAC under the seal's key; a wrong or malformed MAC is false, not an error. */
  verify(message: string, mac: string): Promise<boolean>;
}
