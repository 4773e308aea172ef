import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { eventually, startTestStack, type TestStack } from '../support/test-stack';

let stack: TestStack;
let portal: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001 });
  portal = await stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe("the citizen's case overview on the local stack", () => {
  test('a proof of residence issued at once reaches the fixture DOSIS as the statuses that inform, and only those', async () => {
    const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: '85073003328' }, data: {} } });
    expect(submitted.status).toBe(201);
    const number = submitted.body.number as string;
    const dossier = () => Promise.resolve(stack.caseOverview.dossiers.get(`urn:loket:tenant:44021|${number}`));
    const final = await eventually(dossier, (found) => found?.Status.VlaamsFase === 'Afgerond', 60_000);
    const issued = catalogue.find('proof-of-residence')!.statuses.find((status) => status.code === 'issued')!;
    expect(final).toMatchObject({
      Identificatie: { Bron: 'urn:loket:tenant:44021', DossierNummer: number },
      Status: { VlaamsFase: 'Afgerond', VlaamsCode: 'Goedgekeurd', Detail1: issued.citizenText.nl },
      Producten: [{ Id: catalogue.find('proof-of-residence')!.ipdcProductId }],
      Agenten: [{ Identificatie: '85073003328', Toegangsrechten: [{ Code: 'Raadpleger' }] }],
    });
    const updates = stack.caseOverview.updates.filter((update) => update.Identificatie.DossierNummer === number);
    expect(updates.map((update) => update.Status.Detail1)).not.toContain(catalogue.find('proof-of-residence')!.statuses[0]!.citizenText.nl);
  }, 120_000);
});
