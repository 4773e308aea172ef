import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { dosisUploadPath, oauthClientCredentials } from '../../../functions/adapters/case-overview.dosis';
import { startFixtureCaseOverview, type FixtureCaseOverview } from '../../../functions/adapters/case-overview.fixture';

const clientId = 'loket-test-client';
let fixture: FixtureCaseOverview;
let privateKey: CryptoKey;
let token: string;

/** A dossier as the DOSIS model takes it. */
function aDossier(): Record<string, any> {
  return {
    Identificatie: { Bron: 'urn:loket:tenant:44021', DossierNummer: '44021-2026-000042' },
    UploadId: randomUUID(),
    Naam: 'Attest van woonst',
    WijzigingsDatum: '2026-11-09T11:30:00.000Z',
    Status: { VlaamsFase: 'Behandeling', VlaamsCode: 'InBehandeling', Detail1: 'Uw aanvraag wordt nagekeken.' },
    TypeDossierCode: 'DossierStatus',
    Producten: [{ Id: '1463' }],
    Agenten: [{ Identificatie: '85073003328', Toegangsrechten: [{ Code: 'Raadpleger' }] }],
  };
}

async function upload(body: string, bearer: string | null = token) {
  const response = await fetch(`${fixture.url}${dosisUploadPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  privateKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), alg: 'RS256' };
  fixture = await startFixtureCaseOverview({ clientId, publicJwk });
  const privateJwk = { ...(await exportJWK(pair.privateKey)), alg: 'RS256' };
  token = await oauthClientCredentials({ tokenUrl: fixture.tokenUrl, credentials: async () => ({ clientId, privateJwk }) }).token();
});

afterAll(async () => {
  await fixture.close();
});

describe('the fixture DOSIS receiver', () => {
  test('accepts a dossier of the model with 200 and its upload id, and keeps it as the case dossier', async () => {
    const dossier = aDossier();
    await expect(upload(JSON.stringify(dossier))).resolves.toEqual({ status: 200, body: { Status: 'Ontvangen', UploadId: dossier.UploadId } });
    expect(fixture.dossiers.get('urn:loket:tenant:44021|44021-2026-000042')).toEqual(dossier);
  });

  test.each<[string, (dossier: Record<string, any>) => void, string]>([
    ['an unknown field', (d) => (d.Extra = 1), '(body): Unrecognized key: "Extra"'],
    ['no product', (d) => delete d.Producten, 'Producten: Invalid input: expected array, received undefined'],
    ['two products', (d) => d.Producten.push({ Id: '12' }), 'Producten: Too big'],
    ['a product id that is no IPDC id', (d) => (d.Producten[0].Id = 'abc'), 'Producten.0.Id: an IPDC product id is a number'],
    ['a phase outside the Flemish phases', (d) => (d.Status.VlaamsFase = 'Klaar'), 'Status.VlaamsFase: Invalid option'],
    ['a status code outside the Flemish codes', (d) => (d.Status.VlaamsCode = 'issued'), 'Status.VlaamsCode: Invalid option'],
    ['no citizen text', (d) => delete d.Status.Detail1, 'Status.Detail1: Invalid input'],
    ['an upload id that is no UUID', (d) => (d.UploadId = 'upload-1'), 'UploadId: Invalid UUID'],
    ['a change date without offset', (d) => (d.WijzigingsDatum = '2026-11-09T11:30:00'), 'WijzigingsDatum: Invalid ISO datetime'],
    ['an agent that is no national or enterprise number', (d) => (d.Agenten[0].Identificatie = '85.07.30-033.28'), 'Agenten.0.Identificatie: Invalid string'],
    ['an agent without rights', (d) => (d.Agenten[0].Toegangsrechten = []), 'Agenten.0.Toegangsrechten: Too small'],
    ['no agent', (d) => (d.Agenten = []), 'Agenten: Too small'],
    ['another dossier type', (d) => (d.TypeDossierCode = 'Toelating'), 'TypeDossierCode: Invalid input: expected "DossierStatus"'],
  ])('refuses %s with 400, naming the path at fault', async (_name, edit, fault) => {
    const dossier = aDossier();
    edit(dossier);
    const before = fixture.updates.length;
    const { status, body } = await upload(JSON.stringify(dossier));
    expect(status).toBe(400);
    expect(body.Code).toBe('ValidatieFout');
    expect(body.Description).toContain(fault);
    expect(fixture.updates.length).toBe(before);
  });

  test("a refusal's description names paths, never the values sent (the agent's national number)", async () => {
    const dossier = aDossier();
    dossier.Agenten[0].Identificatie = '8507300332';
    dossier.Agenten[0].Toegangsrechten = [{ Code: 'Raadpleger', Extra: '85073003328' }];
    const { status, body } = await upload(JSON.stringify(dossier));
    expect(status).toBe(400);
    expect(JSON.stringify(body)).not.toMatch(/850730033/);
  });

  test('refuses a body that is not JSON with 400', async () => {
    await expect(upload('{"Identificatie":')).resolves.toEqual({ status: 400, body: { Code: 'OngeldigeJson', Message: 'the body is not JSON' } });
  });

  test('refuses an upload without a token it issued with 401', async () => {
    expect((await upload(JSON.stringify(aDossier()), null)).status).toBe(401);
    expect((await upload(JSON.stringify(aDossier()), 'made-up')).status).toBe(401);
  });

  test('answers a repeated upload id with its first answer, without a second update', async () => {
    const dossier = aDossier();
    const before = fixture.updates.length;
    await upload(JSON.stringify(dossier));
    await expect(upload(JSON.stringify(dossier))).resolves.toEqual({ status: 200, body: { Status: 'Ontvangen', UploadId: dossier.UploadId } });
    expect(fixture.updates.length).toBe(before + 1);
  });

  test('gives a token only for an assertion signed by the client it knows, for its own token endpoint', async () => {
    const assertion = (audience: string, issuer = clientId) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(issuer).setSubject(issuer).setAudience(audience).setJti(randomUUID()).setIssuedAt().setExpirationTime('2m').sign(privateKey);
    const ask = async (clientAssertion: string) =>
      (
        await fetch(fixture.tokenUrl, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion }),
        })
      ).status;
    expect(await ask(await assertion(fixture.tokenUrl))).toBe(200);
    expect(await ask(await assertion('https://elsewhere.example/token'))).toBe(401);
    expect(await ask(await assertion(fixture.tokenUrl, 'another-client'))).toBe(401);
    expect(await ask('not-a-jwt')).toBe(401);
    const missing = await fetch(fixture.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(missing.status).toBe(400);
  });
});
