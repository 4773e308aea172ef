import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { CaseOverviewRefused, dosisCaseOverview, oauthClientCredentials, type BearerTokens } from '../../../functions/adapters/case-overview.dosis';
import { startFixtureCaseOverview, type FixtureCaseOverview } from '../../../functions/adapters/case-overview.fixture';
import { dosisDossierOf, dosisDossierSchema, uploadIdOf } from '../../../functions/adapters/dosis.payload';
import { TransientError } from '../../../functions/domain/errors';
import type { CaseOverviewUpdate } from '../../../functions/ports/case-overview.port';

const clientId = 'loket-test-client';

async function keyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return { privateJwk: { ...(await exportJWK(privateKey)), alg: 'RS256', kid: 'k1' }, publicJwk: { ...(await exportJWK(publicKey)), alg: 'RS256', kid: 'k1' } };
}

/** A port nothing listens on: one the system handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function anUpdate(overrides: Partial<CaseOverviewUpdate> = {}): CaseOverviewUpdate {
  const caseNumber = overrides.caseNumber ?? '44021-2026-000007';
  return {
    transactionId: `urn:loket:tenant:44021/${caseNumber}`,
    source: 'urn:loket:tenant:44021',
    tenant: '44021',
    caseNumber,
    caseId: '01JDZ000000000000000000007',
    productId: '1463',
    title: { nl: 'Attest van woonst', en: 'Proof of residence' },
    status: { code: 'under-review', text: { nl: 'Uw aanvraag wordt nagekeken.', en: 'Your application is being reviewed.' }, final: false, since: '2026-11-09T11:30:00.000Z' },
    sequence: 3,
    applicant: { insz: '85073003328' },
    ...overrides,
  };
}

let keys: { privateJwk: JWK; publicJwk: JWK };
let fixture: FixtureCaseOverview;

beforeAll(async () => {
  keys = await keyPair();
  fixture = await startFixtureCaseOverview({ clientId, publicJwk: keys.publicJwk });
});

afterAll(async () => {
  await fixture.close();
});

const tokensFor = (tokenUrl: string, privateJwk: JWK = keys.privateJwk) => oauthClientCredentials({ tokenUrl, credentials: async () => ({ clientId, privateJwk }) });
const overviewAtFixture = () => dosisCaseOverview({ baseUrl: fixture.url, tokens: tokensFor(fixture.tokenUrl) });

describe('the DOSIS dossier of an update', () => {
  test('names the source and case number, the IPDC product, the Dutch citizen text, the phase and the applicant as agent', () => {
    const dossier = dosisDossierOf(anUpdate());
    expect(dossier).toEqual({
      Identificatie: { Bron: 'urn:loket:tenant:44021', DossierNummer: '44021-2026-000007' },
      UploadId: uploadIdOf(anUpdate()),
      Naam: 'Attest van woonst',
      WijzigingsDatum: '2026-11-09T11:30:00.000Z',
      Status: { VlaamsFase: 'Behandeling', VlaamsCode: 'InBehandeling', Detail1: 'Uw aanvraag wordt nagekeken.' },
      TypeDossierCode: 'DossierStatus',
      Producten: [{ Id: '1463' }],
      Agenten: [{ Identificatie: '85073003328', Toegangsrechten: [{ Code: 'Raadpleger' }] }],
    });
    expect(dosisDossierSchema.safeParse(dossier).success).toBe(true);
  });

  test.each([
    ['issued', true, 'Afgerond', 'Goedgekeurd'],
    ['refused', true, 'Afgerond', 'Geweigerd'],
    ['withdrawn', true, 'Afgerond', 'Stopgezet'],
    ['failed', true, 'Afgerond', 'Stopgezet'],
    ['awaiting-decision', false, 'Behandeling', 'KlaarVoorBeslissing'],
    ['inspection', false, 'Behandeling', 'InBehandeling'],
  ])('status %s (final: %s) sits in phase %s as %s', (code, final, phase, flemish) => {
    const { Status } = dosisDossierOf(anUpdate({ status: { ...anUpdate().status, code, final } }));
    expect(Status).toEqual({ VlaamsFase: phase, VlaamsCode: flemish, Detail1: 'Uw aanvraag wordt nagekeken.' });
  });

  test("a status that waits for the applicant asks for the applicant's action", () => {
    const { Status } = dosisDossierOf(anUpdate({ status: { ...anUpdate().status, code: 'awaiting-payment', text: { nl: 'Betaal de retributie.', en: 'Pay the fee.' } } }));
    expect(Status).toEqual({ VlaamsFase: 'Uitvoering', VlaamsCode: 'KlaarVoorBetaling', Detail1: 'Betaal de retributie.', Actie: { ActieNodig: true, Actie: 'Betaal de retributie.' } });
  });

  test('a business is its enterprise number', () => {
    expect(dosisDossierOf(anUpdate({ applicant: { kbo: '0999000129' } })).Agenten).toEqual([{ Identificatie: '0999000129', Toegangsrechten: [{ Code: 'Raadpleger' }] }]);
  });

  test('the upload id is the same for the same transaction, status and place in the trail, and differs otherwise', () => {
    const id = uploadIdOf(anUpdate());
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uploadIdOf(anUpdate({ status: { ...anUpdate().status, since: '2027-01-01T00:00:00.000Z' } }))).toBe(id);
    expect(uploadIdOf(anUpdate({ sequence: 4 }))).not.toBe(id);
    expect(uploadIdOf(anUpdate({ status: { ...anUpdate().status, code: 'issued' } }))).not.toBe(id);
    expect(uploadIdOf(anUpdate({ transactionId: 'urn:loket:tenant:41002/44021-2026-000007' }))).not.toBe(id);
  });
});

describe('the DOSIS adapter against the fixture receiver', () => {
  test('an update is accepted and becomes the dossier of the case', async () => {
    const before = fixture.updates.length;
    await overviewAtFixture().publish(anUpdate({ caseNumber: '44021-2026-000101' }));
    expect(fixture.updates.length).toBe(before + 1);
    expect(fixture.dossiers.get('urn:loket:tenant:44021|44021-2026-000101')?.Status.Detail1).toBe('Uw aanvraag wordt nagekeken.');
  });

  test('the same update sent twice (a retried delivery) is one update for the receiver', async () => {
    const update = anUpdate({ caseNumber: '44021-2026-000102' });
    const before = fixture.updates.length;
    await overviewAtFixture().publish(update);
    await overviewAtFixture().publish(update);
    expect(fixture.updates.length).toBe(before + 1);
  });

  test('a later status of the same case is a second update, and an overtaken one does not replace it', async () => {
    const overview = overviewAtFixture();
    const reviewed = anUpdate({ caseNumber: '44021-2026-000103' });
    const issued = anUpdate({ caseNumber: '44021-2026-000103', sequence: 5, status: { code: 'issued', final: true, text: { nl: 'Uw attest is klaar.', en: 'Your certificate is ready.' }, since: '2026-11-09T12:00:00.000Z' } });
    await overview.publish(issued);
    await overview.publish(reviewed);
    expect(fixture.dossiers.get('urn:loket:tenant:44021|44021-2026-000103')?.Status).toMatchObject({ VlaamsFase: 'Afgerond', Detail1: 'Uw attest is klaar.' });
  });

  test("a client whose key DOSIS does not know gets no token: a permanent refusal", async () => {
    const stranger = await keyPair();
    const overview = dosisCaseOverview({ baseUrl: fixture.url, tokens: tokensFor(fixture.tokenUrl, stranger.privateJwk) });
    const refusal = await overview.publish(anUpdate()).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CaseOverviewRefused);
    expect(refusal).toMatchObject({ status: 401, message: 'the DOSIS token endpoint answered 401' });
  });

  test('a dossier off the model is refused with 400 and the paths at fault, never the values', async () => {
    const overview = dosisCaseOverview({ baseUrl: fixture.url, tokens: tokensFor(fixture.tokenUrl) });
    const refusal = await overview.publish(anUpdate({ productId: 'not-a-product' })).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CaseOverviewRefused);
    expect(refusal).toMatchObject({ status: 400, message: 'DOSIS answered 400 (ValidatieFout)' });
  });
});

/** A receiver answering each upload with the next status of a script (200 once the script is done), counting what it got. */
interface ScriptedReceiver {
  readonly url: string;
  readonly received: { authorization?: string; body: unknown }[];
  script: number[];
}

describe('the DOSIS adapter against a failing receiver', () => {
  let server: Server;
  const receiver: ScriptedReceiver = { url: '', received: [], script: [] };
  let hang = false;
  const fixedTokens = (tokens: string[]): BearerTokens & { asked: boolean[] } => {
    const asked: boolean[] = [];
    return { asked, token: async (fresh = false) => (asked.push(fresh), tokens[Math.min(asked.length - 1, tokens.length - 1)] as string) };
  };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        receiver.received.push({ authorization: request.headers.authorization, body: request.headers['content-type'] === 'application/json' ? JSON.parse(text) : text });
        if (hang) return;
        const status = receiver.script.shift() ?? 200;
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(status < 300 ? { Status: 'Ontvangen', UploadId: 'x' } : { Code: `E${status}`, Message: 'no', Description: 'Agent 85073003328 unknown' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    receiver.received.length = 0;
    receiver.script = [];
    hang = false;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test.each([500, 502, 503, 504, 429, 408])('a %s is transient, so the caller retries', async (status) => {
    receiver.script = [status];
    const failure = await dosisCaseOverview({ baseUrl: receiver.url, tokens: fixedTokens(['t']) }).publish(anUpdate()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe(`DOSIS answered ${status} (E${status})`);
  });

  test.each([400, 403, 404, 409, 422])('a %s is permanent, and its text carries no personal data from the answer', async (status) => {
    receiver.script = [status];
    const failure = await dosisCaseOverview({ baseUrl: receiver.url, tokens: fixedTokens(['t']) }).publish(anUpdate()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CaseOverviewRefused);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe(`DOSIS answered ${status} (E${status})`);
    expect((failure as Error).message).not.toContain('85073003328');
  });

  test('a 401 is tried once more with a fresh token; a second 401 is permanent', async () => {
    receiver.script = [401];
    const tokens = fixedTokens(['stale', 'fresh']);
    await dosisCaseOverview({ baseUrl: receiver.url, tokens }).publish(anUpdate());
    expect(tokens.asked).toEqual([false, true]);
    expect(receiver.received.map((request) => request.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);

    receiver.script = [401, 401];
    await expect(dosisCaseOverview({ baseUrl: receiver.url, tokens: fixedTokens(['a', 'b']) }).publish(anUpdate())).rejects.toBeInstanceOf(CaseOverviewRefused);
  });

  test('a retry after a transient failure sends the same dossier with the same upload id', async () => {
    receiver.script = [503];
    const overview = dosisCaseOverview({ baseUrl: receiver.url, tokens: fixedTokens(['t']) });
    await expect(overview.publish(anUpdate())).rejects.toBeInstanceOf(TransientError);
    await overview.publish(anUpdate());
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.body).toEqual(receiver.received[0]?.body);
    expect(receiver.received[0]?.body).toMatchObject({ UploadId: uploadIdOf(anUpdate()) });
  });

  test('a receiver that does not answer in time is transient', async () => {
    hang = true;
    const failure = await dosisCaseOverview({ baseUrl: receiver.url, tokens: fixedTokens(['t']), timeoutMs: 200 }).publish(anUpdate()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe('DOSIS unreachable (TimeoutError)');
  });

  test('a receiver that is down is transient', async () => {
    const failure = await dosisCaseOverview({ baseUrl: `http://127.0.0.1:${await closedPort()}`, tokens: fixedTokens(['t']) }).publish(anUpdate()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toBe('DOSIS unreachable (ECONNREFUSED)');
  });

  test('a token endpoint that fails with a 5xx or is down is transient', async () => {
    receiver.script = [503];
    const viaReceiver = dosisCaseOverview({ baseUrl: receiver.url, tokens: tokensFor(`${receiver.url}/token`) });
    await expect(viaReceiver.publish(anUpdate())).rejects.toThrow(new TransientError('the DOSIS token endpoint answered 503'));
    const down = dosisCaseOverview({ baseUrl: receiver.url, tokens: tokensFor(`http://127.0.0.1:${await closedPort()}/token`) });
    await expect(down.publish(anUpdate())).rejects.toBeInstanceOf(TransientError);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.body).toEqual(expect.stringContaining('grant_type=client_credentials'));
  });

});
