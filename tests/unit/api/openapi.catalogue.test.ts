import { describe, expect, it } from '@jest/globals';
import { catalogueBodyComponents, pascalCase } from '../../../functions/api/openapi.catalogue';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { TransactionType } from '../../../functions/domain/transaction-type';

const parkingPermit = catalogue.find('resident-parking-permit') as TransactionType;
const context = (types: readonly TransactionType[]) => ({ types, component: 'Request', description: 'The request', reason: { type: 'string', maxLength: 2000 } });

/** The parking permit under another key, its payment-received data schema replaced. */
function withPayment(key: string, dataSchema: Record<string, unknown>): TransactionType {
  const payment = parkingPermit.messages['payment-received']!;
  return { ...parkingPermit, key, messages: { 'payment-received': { ...payment, dataSchema } } };
}

describe('the request bodies the published types declare', () => {
  it('names components after keys in PascalCase', () => {
    expect(pascalCase('resident-parking-permit')).toBe('ResidentParkingPermit');
    expect(pascalCase('payment-received')).toBe('PaymentReceived');
  });

  it('gives a message name that two types declare with different data schemas any of them, and one schema once', () => {
    const byCard = { type: 'object', properties: { card: { type: 'string', maxLength: 20 } }, required: ['card'], additionalProperties: false };
    const differing = catalogueBodyComponents('message', context([parkingPermit, withPayment('card-payment', byCard)]));
    // In the order of the types' keys: card-payment before resident-parking-permit.
    expect(differing.PaymentReceivedMessage).toMatchObject({ properties: { data: { anyOf: [byCard, parkingPermit.messages['payment-received']!.dataSchema] } } });
    const same = catalogueBodyComponents('message', context([parkingPermit, withPayment('other', parkingPermit.messages['payment-received']!.dataSchema)]));
    expect(same.PaymentReceivedMessage).toMatchObject({ properties: { data: parkingPermit.messages['payment-received']!.dataSchema } });
    expect(same.Request).toEqual({
      description: 'The request',
      oneOf: [{ $ref: '#/components/schemas/PaymentReceivedMessage' }],
      discriminator: { propertyName: 'name', mapping: { 'payment-received': '#/components/schemas/PaymentReceivedMessage' } },
    });
  });

  it('requires data only when the declared schema refuses none, as the handler reads a missing data as {}', () => {
    const optional = { type: 'object', properties: { note: { type: 'string', maxLength: 10 } }, additionalProperties: false };
    expect(catalogueBodyComponents('message', context([withPayment('p', optional)])).PaymentReceivedMessage).toMatchObject({ required: ['name'] });
    expect(catalogueBodyComponents('message', context([parkingPermit])).PaymentReceivedMessage).toMatchObject({ required: ['name', 'data'] });
    const submission = catalogueBodyComponents('submission', context([{ ...parkingPermit, inputSchema: optional }]));
    expect(submission.ResidentParkingPermitSubmission).toMatchObject({ required: ['type', 'applicant'] });
  });

  it("gives a designer's integers a format from their bounds, and keeps no dialect of their own", () => {
    const counted = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pages: { type: 'integer', minimum: 1, maximum: 1000 }, bytes: { type: 'integer', minimum: 0, maximum: 2 ** 40 } },
      additionalProperties: false,
    };
    const { PaymentReceivedMessage } = catalogueBodyComponents('message', context([withPayment('p', counted)]));
    expect(PaymentReceivedMessage).toMatchObject({ properties: { data: { properties: { pages: { format: 'int32' }, bytes: { format: 'int64' } } } } });
    expect((PaymentReceivedMessage as { properties: { data: object } }).properties.data).not.toHaveProperty('$schema');
  });

  it('describes nothing when no type declares a variant, so that the generic schema stays', () => {
    expect(catalogueBodyComponents('message', context([{ ...parkingPermit, messages: {} }]))).toEqual({});
    expect(catalogueBodyComponents('completion', context([{ ...parkingPermit, tasks: {} }]))).toEqual({});
    expect(catalogueBodyComponents('submission', context([]))).toEqual({});
  });
});
