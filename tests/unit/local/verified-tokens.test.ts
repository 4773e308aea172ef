import { VerifiedTokens } from '../../../infra/local/verified-tokens';

describe('verified tokens on the local authorizer', () => {
  let nowMs = Date.UTC(2026, 11, 1, 12, 0, 0);
  const now = () => nowMs;
  const at = (offsetSeconds: number) => Math.floor(nowMs / 1000) + offsetSeconds;

  beforeEach(() => {
    nowMs = Date.UTC(2026, 11, 1, 12, 0, 0);
  });

  it('remembers a verified token and gives its claims back while it is current', () => {
    const tokens = new VerifiedTokens({ clockSkewSeconds: 60, now });
    const claims = { sub: 'portal@44021', exp: at(600) };
    expect(tokens.get('a')).toBeUndefined();
    tokens.remember('a', claims);
    expect(tokens.get('a')).toEqual(claims);
    expect(tokens.get('b')).toBeUndefined();
  });

  it('refuses a remembered token once its exp has passed by more than the skew, and forgets it', () => {
    const tokens = new VerifiedTokens({ clockSkewSeconds: 60, now });
    tokens.remember('a', { exp: at(10) });
    nowMs += 69_000;
    expect(tokens.get('a')).toBeDefined();
    nowMs += 1_000;
    expect(tokens.get('a')).toBeUndefined();
    // Forgotten: even a clock set back finds nothing.
    nowMs -= 60_000;
    expect(tokens.get('a')).toBeUndefined();
  });

  it('refuses a token without exp, and one whose nbf or iat lies beyond the skew in the future', () => {
    const tokens = new VerifiedTokens({ clockSkewSeconds: 60, now });
    tokens.remember('no-exp', { sub: 'x' });
    tokens.remember('nbf', { exp: at(600), nbf: at(61) });
    tokens.remember('iat', { exp: at(600), iat: at(61) });
    tokens.remember('nbf-in-skew', { exp: at(600), nbf: at(60), iat: at(60) });
    expect(tokens.get('no-exp')).toBeUndefined();
    expect(tokens.get('nbf')).toBeUndefined();
    expect(tokens.get('iat')).toBeUndefined();
    expect(tokens.get('nbf-in-skew')).toBeDefined();
  });

  it('keeps at most its capacity, forgetting the least recently verified first', () => {
    const tokens = new VerifiedTokens({ clockSkewSeconds: 60, now, capacity: 2 });
    tokens.remember('a', { exp: at(600) });
    tokens.remember('b', { exp: at(600) });
    tokens.remember('a', { exp: at(600) });
    tokens.remember('c', { exp: at(600) });
    expect(tokens.get('b')).toBeUndefined();
    expect(tokens.get('a')).toBeDefined();
    expect(tokens.get('c')).toBeDefined();
  });
});
