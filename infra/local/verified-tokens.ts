import type { JWTPayload } from 'jose';

export interface VerifiedTokensOptions {
  /** How far the issuer's clock may be off from this one, for `exp`, `nbf` and `iat`. */
  readonly clockSkewSeconds: number;
  /** Tokens remembered at most; the least recently verified go first. @default 1000 */
  readonly capacity?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Tokens whose signature, issuer and audience were checked, so that a portal's next request with
 * the same token is not verified again (an RSA verification per request was most of a read's time
 * on the local host). Only the signature's verdict is remembered: a remembered token is still
 * refused once `exp` has passed, or while `nbf` or `iat` lie in the future, each within the skew.
 */
export class VerifiedTokens {
  private readonly tokens = new Map<string, JWTPayload>();
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokensOptions) {
    this.capacity = options.capacity ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** The claims of a remembered token if it is current now; undefined if it is not remembered or no longer current. */
  get(token: string): JWTPayload | undefined {
    const payload = this.tokens.get(token);
    if (!payload) return undefined;
    if (!this.isCurrent(payload)) {
      this.tokens.delete(token);
      return undefined;
    }
    return payload;
  }

  remember(token: string, payload: JWTPayload): void {
    this.tokens.delete(token);
    this.tokens.set(token, payload);
    if (this.tokens.size > this.capacity) this.tokens.delete(this.tokens.keys().next().value as string);
  }

  /** As jose checks them with a clock tolerance, and `iat` as the HTTP API's authorizer does. */
  isCurrent(payload: JWTPayload): boolean {
    const now = Math.floor(this.now() / 1000);
    const skew = this.options.clockSkewSeconds;
    if (typeof payload.exp !== 'number' || payload.exp <= now - skew) return false;
    if (payload.nbf !== undefined && payload.nbf > now + skew) return false;
    if (payload.iat !== undefined && payload.iat > now + skew) return false;
    return true;
  }
}
