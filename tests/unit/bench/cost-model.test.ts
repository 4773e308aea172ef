import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accessLogBytesOf,
  costOf,
  doingUsdOf,
  floorOf,
  keepingComponents,
  eventArchiveMonths,
  fixedMonthlyCosts,
  loggedBytes,
  logRetentionMonths,
  monthlyUsage,
  platformLogBytesPerInvocation,
  priceNames,
  pricesFrom,
  runsPerMonth,
  tableClassOf,
  storedBytes,
  type Keeping,
  type Template,
  type TransactionUsage,
  valueBytes,
  writeUnitsOf,
  itemKindOf,
  type NamedIndex,
  type StoredItem,
  type StoredValue,
} from '../../../bench/cost-model';
import { projectRoot } from '../../../infra/local/paths';
import { keys } from '../../../functions/adapters/table-keys';

const prices = pricesFrom(JSON.parse(readFileSync(join(projectRoot, 'bench', 'prices.eu-west-1.json'), 'utf8')));

const nothing: TransactionUsage = {
  apiRequests: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  stateTransitions: 0,
  readUnits: 0,
  writeUnits: 0,
  events: 0,
  eventBytes: 0,
  logBytes: 0,
  logEvents: 0,
  accessLogRequests: 0,
  traces: 0,
  kmsRequests: 0,
  s3Writes: 0,
  s3Reads: 0,
  s3Bytes: 0,
  storedBytes: 0,
  expiringByteMonths: 0,
  backedUpBytes: 0,
  backedUpExpiringByteMonths: 0,
};
const keeping: Keeping = { dataMonths: 60, logMonths: 3, eventArchiveMonths: 12, accessLogBytes: 400, tableClass: 'STANDARD' };
const gb = 1024 ** 3;

describe('prices', () => {
  it('the prices file names every price the model uses', () => {
    expect(Object.keys(prices)).toEqual(expect.arrayContaining([...priceNames]));
  });

  it('a prices file without one of them is refused, naming it', () => {
    const { kmsRequest: _left, ...others } = prices;
    expect(() => pricesFrom({ prices: others })).toThrow('The prices file lacks a positive price for: kmsRequest');
    expect(() => pricesFrom({ prices: { ...prices, kmsRequest: { ...prices.kmsRequest, usd: 0 } } })).toThrow('kmsRequest');
  });
});

describe('cost per transaction', () => {
  it('costs nothing for nothing used', () => {
    expect(Object.values(costOf(nothing, keeping, prices)).every((usd) => usd === 0)).toBe(true);
  });

  it('prices each usage at its list price', () => {
    const cost = costOf({ ...nothing, apiRequests: 2, stateTransitions: 5, writeUnits: 10, readUnits: 4, kmsRequests: 3, traces: 2, events: 1, s3Writes: 1, s3Reads: 2 }, keeping, prices);
    // $1.11 per million requests, $25 per million transitions, $0.705 per million WRU, $0.03 per 10,000 KMS requests, $5 per million traces.
    expect(cost.api).toBeCloseTo(2 * 1.11e-6, 12);
    expect(cost.stepFunctions).toBeCloseTo(5 * 25e-6, 12);
    expect(cost.dynamodbWrites).toBeCloseTo(10 * 0.705e-6, 12);
    expect(cost.dynamodbReads).toBeCloseTo(4 * 0.1413e-6, 12);
    expect(cost.kms).toBeCloseTo(3 * 3e-6, 12);
    expect(cost.xray).toBeCloseTo(2 * 5e-6, 12);
    expect(cost.eventBridge).toBeCloseTo(1e-6, 12);
    expect(cost.s3Requests).toBeCloseTo(5e-6 + 2 * 0.4e-6, 12);
  });

  it('a Standard-IA table pays 25 % more for requests and 60 % less for storage', () => {
    const usage = { ...nothing, writeUnits: 100, readUnits: 100, storedBytes: gb, backedUpBytes: gb };
    const standard = costOf(usage, keeping, prices);
    const infrequent = costOf(usage, { ...keeping, tableClass: 'STANDARD_INFREQUENT_ACCESS' }, prices);
    expect(infrequent.dynamodbWrites / standard.dynamodbWrites).toBeCloseTo(1.25, 6);
    expect(infrequent.dynamodbReads / standard.dynamodbReads).toBeCloseTo(1.25, 6);
    expect(infrequent.dynamodbStorage / standard.dynamodbStorage).toBeCloseTo(0.4, 2);
    // The backup is priced by size, whatever the class.
    expect(infrequent.dynamodbBackup).toBe(standard.dynamodbBackup);
  });

  it('reads the table class from the templates, Standard when none is given', () => {
    const table = (properties: Record<string, unknown>): Template => ({ Resources: { T: { Type: 'AWS::DynamoDB::Table', Properties: properties } } });
    expect(tableClassOf([table({})])).toBe('STANDARD');
    expect(tableClassOf([table({ TableClass: 'STANDARD_INFREQUENT_ACCESS' })])).toBe('STANDARD_INFREQUENT_ACCESS');
    expect(() => tableClassOf([{ Resources: {} }])).toThrow('Expected one table, found 0');
  });

  it('storage is paid for every month it is kept: the table and its backup for the retention, logs for their retention', () => {
    const cost = costOf({ ...nothing, storedBytes: gb, backedUpBytes: gb, s3Bytes: gb, eventBytes: gb }, keeping, prices);
    expect(cost.dynamodbStorage).toBeCloseTo(60 * 0.283, 9);
    expect(cost.dynamodbBackup).toBeCloseTo(60 * 0.22, 9);
    expect(cost.s3Storage).toBeCloseTo(60 * 0.023, 9);
    expect(cost.eventArchive).toBeCloseTo(0.1 + 12 * 0.023, 9);
    const twice = costOf({ ...nothing, storedBytes: gb }, { ...keeping, dataMonths: 120 }, prices);
    expect(twice.dynamodbStorage).toBeCloseTo(2 * cost.dynamodbStorage, 9);
    // What expires on its own is paid for the months it lives, whatever the type's retention.
    const expiring = costOf({ ...nothing, expiringByteMonths: 6 * gb, backedUpExpiringByteMonths: 6 * gb }, { ...keeping, dataMonths: 120 }, prices);
    expect(expiring.dynamodbStorage).toBeCloseTo(6 * 0.283, 9);
    expect(expiring.dynamodbBackup).toBeCloseTo(6 * 0.22, 9);
  });

  it('point-in-time recovery bills the table without its global indexes: their copies cost storage, not backup', () => {
    // 1 GB of items and 0.5 GB of their copies in global secondary indexes, kept; 2 GB-months expiring, 1 of them index copies.
    const cost = costOf({ ...nothing, storedBytes: 1.5 * gb, backedUpBytes: gb, expiringByteMonths: 2 * gb, backedUpExpiringByteMonths: gb }, keeping, prices);
    expect(cost.dynamodbStorage).toBeCloseTo((60 * 1.5 + 2) * 0.283, 9);
    expect(cost.dynamodbBackup).toBeCloseTo((60 * 1 + 1) * 0.22, 9);
  });

  it('logs count what the functions wrote, Lambda’s own lines per invocation and an access log line per request, each line with 26 bytes of overhead', () => {
    const usage = { ...nothing, logBytes: 1000, logEvents: 4, lambdaInvocations: 2, accessLogRequests: 1 };
    expect(loggedBytes(usage, keeping)).toBe(1000 + 2 * platformLogBytesPerInvocation + 400 + (4 + 2 * 3 + 1) * 26);
    const cost = costOf(usage, keeping, prices);
    expect(cost.logsIngestion).toBeCloseTo((loggedBytes(usage, keeping) / gb) * 0.57, 15);
    expect(cost.logsStorage).toBeCloseTo((loggedBytes(usage, keeping) / gb) * 3 * 0.03, 15);
  });

  it('Lambda’s own lines are the size of START, END and a REPORT with its XRAY line', () => {
    expect(platformLogBytesPerInvocation).toBeGreaterThan(300);
    expect(platformLogBytesPerInvocation).toBeLessThan(450);
  });
});

describe('the floor', () => {
  it('is the client’s requests as minimal calls and one 1-KB record per audit event and status change, written and kept with its backup', () => {
    const floor = floorOf(2, 6, { dataMonths: 60 }, prices);
    expect(floor.doingUsd).toBeCloseTo(2 * (1.11e-6 + 0.2e-6 + 0.001 * 0.125 * 0.0000133334) + 6 * 0.705e-6, 15);
    // Kept at the cheaper class's storage price (Standard-IA), with its backup.
    expect(floor.keepingUsd).toBeCloseTo(((6 * 1024) / gb) * 60 * (0.1132 + 0.22), 15);
    expect(floor.usd).toBeCloseTo(floor.doingUsd + floor.keepingUsd, 15);
    expect(floorOf(2, 6, { dataMonths: 120 }, prices).keepingUsd).toBeCloseTo(2 * floor.keepingUsd, 15);
  });

  it('doing leaves out exactly what keeping costs', () => {
    const cost = costOf({ ...nothing, apiRequests: 1, storedBytes: gb, s3Bytes: gb, eventBytes: gb, logBytes: 1e6 }, keeping, prices);
    const kept = keepingComponents.reduce((total, component) => total + cost[component], 0);
    expect(doingUsdOf(cost)).toBeCloseTo(Object.values(cost).reduce((a, b) => a + b, 0) - kept, 12);
    expect(doingUsdOf(cost)).toBeCloseTo(cost.api + cost.logsIngestion, 12);
  });
});

describe('what an item takes in the table', () => {
  it('sizes values as DynamoDB does: strings by their UTF-8 bytes, numbers by two digits a byte plus one, lists and maps with 3 bytes and 1 an element', () => {
    expect(valueBytes({ S: 'abc' })).toBe(3);
    expect(valueBytes({ S: 'één' })).toBe(5);
    expect(valueBytes({ N: '12345' })).toBe(4);
    expect(valueBytes({ N: '-0.5' })).toBe(2);
    expect(valueBytes({ BOOL: true })).toBe(1);
    expect(valueBytes({ NULL: true })).toBe(1);
    expect(valueBytes({ B: new Uint8Array(7) })).toBe(7);
    expect(valueBytes({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (2 + 1) + (2 + 1));
    expect(valueBytes({ M: { ab: { S: 'xyz' } } })).toBe(3 + 2 + 3 + 1);
    expect(valueBytes({ SS: ['a', 'bc'] })).toBe(3);
  });

  it('an item costs its names and values plus 100 bytes, and as much again in each index that copies it all', () => {
    const table = { partitionKey: 'PK', sortKey: 'SK' };
    const item = { PK: { S: 'CASE#1' }, SK: { S: 'CASE' }, GSI1PK: { S: 'T#1' }, GSI1SK: { S: 'x' }, name: { S: 'abcdefghij' } } as const;
    const own = 2 + 6 + 2 + 4 + 6 + 3 + 6 + 1 + 4 + 10 + 100;
    expect(storedBytes(item, table, [])).toBe(own);
    expect(storedBytes(item, table, [{ partitionKey: 'GSI1PK', sortKey: 'GSI1SK' }])).toBe(2 * own);
    // An index whose keys the item lacks holds nothing of it.
    expect(storedBytes(item, table, [{ partitionKey: 'GSI2PK', sortKey: 'GSI2SK' }])).toBe(own);
    // An index that projects some attributes copies the keys and those.
    expect(storedBytes(item, table, [{ partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projectedAttributes: [] }])).toBe(own + (own - 4 - 10));
  });
});

describe('fixed monthly costs from the templates', () => {
  const template: Template = {
    Resources: {
      Alarm1: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
      Alarm2: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Id: 'a', MetricStat: {} }, { Id: 'b', MetricStat: {} }, { Id: 'e', Expression: 'a/b' }] } },
      Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: {} },
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
      Key1: { Type: 'AWS::KMS::Key', Properties: {} },
      Key2: { Type: 'AWS::KMS::Key', Properties: {} },
      Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Reconcile: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'loket-reconcile' } },
      Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(5 minutes)', Targets: [{ Arn: { 'Fn::GetAtt': ['Reconcile', 'Arn'] } }] } },
      Bus: { Type: 'AWS::Events::Rule', Properties: { EventPattern: {} } },
    },
  };

  it('counts each alarm by the metrics it evaluates, and the rest by the resource', () => {
    const items = fixedMonthlyCosts([template], { customMetrics: 10, scheduledRunUsd: new Map([['loket-reconcile', 1e-6]]) }, prices);
    const usd = (prefix: string) => items.find((item) => item.item.startsWith(prefix))!;
    expect(usd('alarms')).toMatchObject({ count: 3, usdPerMonth: expect.closeTo(0.3, 9) });
    expect(usd('composite')).toMatchObject({ count: 1, usdPerMonth: 0.5 });
    expect(usd('dashboards')).toMatchObject({ count: 1, usdPerMonth: 3 });
    expect(usd('KMS keys')).toMatchObject({ count: 2, usdPerMonth: 2 });
    expect(usd('secrets')).toMatchObject({ count: 1, usdPerMonth: 0.4 });
    expect(usd('custom metrics')).toMatchObject({ count: 10, usdPerMonth: expect.closeTo(3, 9) });
    // Every 5 minutes: 105,120 runs a year, 8,760 a month.
    expect(usd('loket-reconcile')).toMatchObject({ count: 8760, usdPerMonth: expect.closeTo(8760e-6, 9) });
    // The rule that is not a schedule adds nothing.
    expect(items).toHaveLength(7);
  });

  it('refuses a schedule whose function was not measured', () => {
    expect(() => fixedMonthlyCosts([template], { customMetrics: 0, scheduledRunUsd: new Map() }, prices)).toThrow('No measured run of the scheduled function loket-reconcile');
  });

  it('reads rate expressions in minutes, hours and days, and refuses anything else', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(43_800);
    expect(runsPerMonth('rate(2 hours)')).toBe(365);
    expect(runsPerMonth('rate(1 day)')).toBeCloseTo(30.4167, 3);
    expect(() => runsPerMonth('cron(0 3 * * ? *)')).toThrow('Not a rate expression');
  });

  it('reads how long logs and archived events are kept, and refuses a bound that is missing', () => {
    const kept: Template = {
      Resources: {
        A: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } },
        B: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
        C: { Type: 'AWS::Events::Archive', Properties: { RetentionDays: 365 } },
      },
    };
    expect(logRetentionMonths([kept])).toBeCloseTo(90 / (365 / 12), 9);
    expect(eventArchiveMonths([kept])).toBeCloseTo(12, 9);
    expect(eventArchiveMonths([{ Resources: {} }])).toBe(0);
    expect(() => logRetentionMonths([{ Resources: { A: { Type: 'AWS::Logs::LogGroup', Properties: {} } } }])).toThrow('keeps its logs forever');
    expect(() => eventArchiveMonths([{ Resources: { C: { Type: 'AWS::Events::Archive', Properties: {} } } }])).toThrow('keeps its events forever');
  });

  it('sizes an access log line from its format, every variable 16 characters', () => {
    const format = JSON.stringify({ requestId: '$context.requestId', status: '$context.status' });
    expect(accessLogBytesOf([{ Resources: { Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { AccessLogSettings: { Format: format } } } } }])).toBe(
      JSON.stringify({ requestId: 'x'.repeat(16), status: 'x'.repeat(16) }).length + 1,
    );
    expect(accessLogBytesOf([{ Resources: {} }])).toBe(0);
  });
});

describe('a month at a volume', () => {
  it('spreads each type’s yearly rate per 1,000 inhabitants over twelve months at its cost', () => {
    const month = monthlyUsage(
      { name: 'town', inhabitants: 120_000, perThousandInhabitantsPerYear: { a: 10, b: 1 } },
      new Map([
        ['a', 0.001],
        ['b', 0.01],
      ]),
    );
    expect(month.byType.a).toEqual({ transactions: 100, usd: expect.closeTo(0.1, 9) });
    expect(month.byType.b).toEqual({ transactions: 10, usd: expect.closeTo(0.1, 9) });
    expect(month.transactionsPerMonth).toBe(110);
    expect(month.usageUsd).toBeCloseTo(0.2, 9);
  });

  it('refuses a volume that names a type without a measured cost', () => {
    expect(() => monthlyUsage({ name: 'town', inhabitants: 1000, perThousandInhabitantsPerYear: { c: 1 } }, new Map())).toThrow('No measured cost for c');
  });

  it('the volumes file names only types of the catalogue', async () => {
    const { catalogue } = await import('../../../functions/catalogue/catalogue');
    const volumes = JSON.parse(readFileSync(join(projectRoot, 'bench', 'volumes.json'), 'utf8')) as { volumes: Array<{ perThousandInhabitantsPerYear: Record<string, number> }>; reasons: Record<string, string> };
    const known = catalogue.all().map((type) => type.key);
    for (const volume of volumes.volumes) expect(known).toEqual(expect.arrayContaining(Object.keys(volume.perThousandInhabitantsPerYear)));
    expect(Object.keys(volumes.reasons).sort()).toEqual(Object.keys(volumes.volumes[0]!.perThousandInhabitantsPerYear).sort());
  });
});


describe('what a write costs', () => {
  const table = { partitionKey: 'PK', sortKey: 'SK' };
  // An item of about `bytes` bytes (its keys, and a filler attribute).
  const item = (id: string, bytes: number, extra: Record<string, StoredValue> = {}): StoredItem => ({ PK: { S: id }, SK: { S: 'X' }, d: { S: 'x'.repeat(bytes - id.length - 2 - 2 - 1 - 1) }, ...extra });
  const byStatus: NamedIndex = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projectedAttributes: ['status'] };
  const standard = { transactional: false };
  const transactional = { transactional: true };

  it('bills a unit per started KB of the item, twice in a transaction (AWS: three 500-byte items in one take six units; a 3 KB item, six)', () => {
    expect(writeUnitsOf(undefined, item('a', 500), table, [], standard)).toEqual({ table: 1, indexes: {} });
    expect(writeUnitsOf(undefined, item('a', 1024), table, [], standard).table).toBe(1);
    expect(writeUnitsOf(undefined, item('a', 1025), table, [], standard).table).toBe(2);
    expect(writeUnitsOf(undefined, item('a', 3 * 1024), table, [], standard).table).toBe(3);
    expect(['a', 'b', 'c'].map((id) => writeUnitsOf(undefined, item(id, 500), table, [], transactional).table)).toEqual([2, 2, 2]);
    expect(writeUnitsOf(undefined, item('a', 3 * 1024), table, [], transactional).table).toBe(6);
  });

  it('bills a replacement by the larger of the item before and after, and a delete by the item it deletes', () => {
    expect(writeUnitsOf(item('a', 2500), item('a', 500), table, [], standard).table).toBe(3);
    expect(writeUnitsOf(item('a', 500), item('a', 2500), table, [], standard).table).toBe(3);
    expect(writeUnitsOf(item('a', 2500), undefined, table, [], standard).table).toBe(3);
    expect(writeUnitsOf(item('a', 2500), undefined, table, [], transactional).table).toBe(6);
  });

  it("writes an index's copy when it appears, goes or changes, twice when its key changes, never when it stays; not doubled in a transaction", () => {
    const open = { GSI1PK: { S: 'T#open' }, GSI1SK: { S: '1' }, status: { S: 'open' } };
    const closed = { GSI1PK: { S: 'T#closed' }, GSI1SK: { S: '1' }, status: { S: 'closed' } };
    const indexes = [byStatus];
    // Into the index, with the item; a copy is keys and projected attributes only, so a large item's copy is one unit.
    expect(writeUnitsOf(undefined, item('a', 3000, open), table, indexes, transactional)).toEqual({ table: 6, indexes: { GSI1: 1 } });
    // Its key changes: a delete and a put.
    expect(writeUnitsOf(item('a', 500, open), item('a', 500, closed), table, indexes, standard).indexes).toEqual({ GSI1: 2 });
    // A projected attribute changes, the key stays: one write.
    expect(writeUnitsOf(item('a', 500, open), item('a', 500, { ...open, status: { S: 'reopened' } }), table, indexes, standard).indexes).toEqual({ GSI1: 1 });
    // Only what the index does not copy changes: nothing for the index.
    expect(writeUnitsOf(item('a', 500, open), item('a', 700, open), table, indexes, standard).indexes).toEqual({});
    // Out of the index (its keys removed, or the item deleted): one write; an item never in it: nothing.
    expect(writeUnitsOf(item('a', 500, open), item('a', 500), table, indexes, standard).indexes).toEqual({ GSI1: 1 });
    expect(writeUnitsOf(item('a', 500, open), undefined, table, indexes, standard).indexes).toEqual({ GSI1: 1 });
    expect(writeUnitsOf(item('a', 500), item('a', 600), table, indexes, standard).indexes).toEqual({});
    // An index that copies everything is billed by the whole item's size.
    expect(writeUnitsOf(undefined, item('a', 3000, open), table, [{ ...byStatus, projectedAttributes: undefined }], standard).indexes).toEqual({ GSI1: 3 });
  });

  it('compares maps by their contents, whatever the order of their attributes', () => {
    const one = { GSI1PK: { S: 'p' }, GSI1SK: { S: 's' }, status: { M: { a: { S: '1' }, b: { S: '2' } } } };
    const same = { GSI1PK: { S: 'p' }, GSI1SK: { S: 's' }, status: { M: { b: { S: '2' }, a: { S: '1' } } } };
    expect(writeUnitsOf(item('a', 500, one), item('a', 500, same), table, [byStatus], standard).indexes).toEqual({});
  });
});

describe('what a write is of', () => {
  it("names each kind of item by the table's own key formats", () => {
    const kindOf = (key: { PK: string; SK: string }) => itemKindOf(key.PK, key.SK);
    expect(kindOf(keys.case('c1'))).toBe('case');
    expect(kindOf(keys.auditEvent('c1', 3))).toBe('audit event');
    expect(kindOf(keys.outbox('c1', 'o1'))).toBe('outbox');
    expect(kindOf(keys.messageWait('c1', 'payment'))).toBe('message wait');
    expect(kindOf(keys.task('c1', 't1'))).toBe('task');
    expect(kindOf(keys.formerTask('t1'))).toBe('task');
    expect(kindOf(keys.caseNumber('44021-2026-000001'))).toBe('case number');
    expect(kindOf(keys.caseNumberCounter('44021', 2026))).toBe('case number counter');
    expect(kindOf(keys.idempotency('44021', 'k'))).toBe('idempotency key');
    expect(kindOf(keys.accessRecord('44021', 'p1', '2026-12-01T00:00:00Z', 'a1'))).toBe('processing log');
    expect(kindOf(keys.loggedEvent('44021', '2026-12-01T00:00:00Z', 'e1'))).toBe('event log');
    expect(kindOf(keys.subscription('44021', 's1'))).toBe('subscription');
    expect(kindOf(keys.delivery('r1', 'c1', '0001'))).toBe('webhook delivery');
    expect(kindOf(keys.tenant('44021'))).toBe('tenant');
    expect(kindOf(keys.retentionProgress)).toBe('retention');
  });
});
