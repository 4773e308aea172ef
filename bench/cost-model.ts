/*
 * What Loket costs on AWS at list prices: per transaction, every usage-billed part the bench
 * measured; per month, the fixed parts the synthesized templates declare; and what a
 * municipality and the province pay in a month at a stated volume. Pure functions of the
 * measurements, the prices (bench/prices.eu-west-1.json) and the templates, so that each rule
 * is tested on its own (tests/unit/bench/cost-model.test.ts).
 */

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

export const priceNames = [
  'apiRequest',
  'lambdaRequest',
  'lambdaGbSecond',
  'stateTransition',
  'writeRequestUnit',
  'readRequestUnit',
  'eventBridgeEvent',
  'dynamodbStorageGbMonth',
  'dynamodbPitrGbMonth',
  'dynamodbStorageIaGbMonth',
  'writeRequestUnitIa',
  'readRequestUnitIa',
  'logsIngestionGb',
  'logsStorageGbMonth',
  'customMetricMonth',
  'alarmMetricMonth',
  'compositeAlarmMonth',
  'dashboardMonth',
  'xrayTraceRecorded',
  'kmsKeyMonth',
  'kmsRequest',
  'secretMonth',
  's3WriteRequest',
  's3ReadRequest',
  's3StorageGbMonth',
  'eventArchiveGb',
  'eventArchiveStorageGbMonth',
  'sqsRequest',
] as const;
export type PriceName = (typeof priceNames)[number];
export type Prices = Readonly<Record<PriceName, Price>>;

/** Checks that a prices file names every price the model uses, each with a positive amount. */
export function pricesFrom(file: { readonly prices: Readonly<Record<string, Price>> }): Prices {
  const missing = priceNames.filter((name) => !(file.prices[name]?.usd && file.prices[name].usd > 0));
  if (missing.length > 0) throw new Error(`The prices file lacks a positive price for: ${missing.join(', ')}`);
  return file.prices as Prices;
}

const gb = 1024 ** 3;

/**
 * Log lines Lambda itself writes for every invocation (START, END, REPORT with its XRAY line),
 * which no function code prints, so the local host cannot measure them: the sizes of those lines
 * as Lambda's text format writes them with a request id, durations and a trace id.
 */
export const platformLogBytesPerInvocation = 'START RequestId: 00000000-0000-0000-0000-000000000000 Version: $LATEST\n'.length +
  'END RequestId: 00000000-0000-0000-0000-000000000000\n'.length +
  'REPORT RequestId: 00000000-0000-0000-0000-000000000000\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 256 MB\tMax Memory Used: 98 MB\t\nXRAY TraceId: 1-00000000-000000000000000000000000\tSegmentId: 0000000000000000\tSampled: true\t\n'.length;
export const platformLogEventsPerInvocation = 3;
/** CloudWatch Logs counts 26 bytes of metadata for every log event it ingests. */
export const logEventOverheadBytes = 26;

/** What one transaction used, as the bench measured it on the local stack. */
export interface TransactionUsage {
  readonly apiRequests: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly stateTransitions: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly events: number;
  /** The published events' bytes, which the event bus's archive keeps. */
  readonly eventBytes: number;
  /** What the functions wrote to their logs: log lines and EMF metric documents. */
  readonly logBytes: number;
  readonly logEvents: number;
  /** Requests that reached the HTTP API's access log (every API request). */
  readonly accessLogRequests: number;
  /** X-Ray traces: one per API request and per started execution (its steps join it), one per stream batch or scheduled run. */
  readonly traces: number;
  /** Calls that are KMS requests on AWS: pseudonyms not yet known to the function, audit seals and their checks. */
  readonly kmsRequests: number;
  readonly s3Writes: number;
  readonly s3Reads: number;
  /** Bytes the transaction left in S3 (its documents). */
  readonly s3Bytes: number;
  /** Bytes the transaction left in the table for the type's retention: its items and their index copies. */
  readonly storedBytes: number;
  /**
   * Byte-months of the items it left that expire on their own (DynamoDB's TTL): the processing log
   * for years, Idempotency-Key records for a day. Each item's bytes times the months until it expires.
   */
  readonly expiringByteMonths: number;
  /**
   * Of `storedBytes`, what point-in-time recovery bills: the items without their copies in global
   * secondary indexes (PITR is billed on the table's size with its local indexes only, and the
   * table has none).
   */
  readonly backedUpBytes: number;
  /** Of `expiringByteMonths`, what point-in-time recovery bills (`backedUpBytes`). */
  readonly backedUpExpiringByteMonths: number;
}

/** How long what a transaction leaves behind is kept, in months. */
export interface Keeping {
  /** The type's retention: the case's items and documents. */
  readonly dataMonths: number;
  /** The functions' and the API's log groups. */
  readonly logMonths: number;
  /** The event bus's archive. */
  readonly eventArchiveMonths: number;
  /** Bytes of one HTTP API access log line, from the template's format. */
  readonly accessLogBytes: number;
  /** The table's class: Standard-IA trades 25 % dearer requests for 60 % cheaper storage. */
  readonly tableClass: TableClass;
}

export type TableClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';

/** The table's class in the templates (CloudFormation's default is STANDARD). */
export function tableClassOf(templates: readonly Template[]): TableClass {
  const tables = templates.flatMap((template) => Object.values(template.Resources ?? {})).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1) throw new Error(`Expected one table, found ${tables.length}`);
  return (tables[0]!.Properties?.TableClass as TableClass | undefined) ?? 'STANDARD';
}

/** The table's request and storage prices in its class. */
function tablePrices(tableClass: TableClass, prices: Prices) {
  return tableClass === 'STANDARD_INFREQUENT_ACCESS'
    ? { write: prices.writeRequestUnitIa.usd, read: prices.readRequestUnitIa.usd, storage: prices.dynamodbStorageIaGbMonth.usd }
    : { write: prices.writeRequestUnit.usd, read: prices.readRequestUnit.usd, storage: prices.dynamodbStorageGbMonth.usd };
}

export const costComponents = [
  'api',
  'lambdaRequests',
  'lambdaDuration',
  'stepFunctions',
  'dynamodbWrites',
  'dynamodbReads',
  'dynamodbStorage',
  'dynamodbBackup',
  'eventBridge',
  'eventArchive',
  'logsIngestion',
  'logsStorage',
  'xray',
  'kms',
  's3Requests',
  's3Storage',
] as const;
export type CostComponent = (typeof costComponents)[number];

/** Bytes a transaction sends to CloudWatch Logs: its functions' lines, Lambda's own lines and the access log, each event with its overhead. */
export function loggedBytes(usage: TransactionUsage, keeping: Pick<Keeping, 'accessLogBytes'>): number {
  const events = usage.logEvents + usage.lambdaInvocations * platformLogEventsPerInvocation + usage.accessLogRequests;
  return usage.logBytes + usage.lambdaInvocations * platformLogBytesPerInvocation + usage.accessLogRequests * keeping.accessLogBytes + events * logEventOverheadBytes;
}

/** Dollars per transaction, per component. Storage is paid for as long as it is kept. */
export function costOf(usage: TransactionUsage, keeping: Keeping, prices: Prices): Record<CostComponent, number> {
  const logged = loggedBytes(usage, keeping) / gb;
  const table = tablePrices(keeping.tableClass, prices);
  return {
    api: usage.apiRequests * prices.apiRequest.usd,
    lambdaRequests: usage.lambdaInvocations * prices.lambdaRequest.usd,
    lambdaDuration: usage.lambdaGbSeconds * prices.lambdaGbSecond.usd,
    stepFunctions: usage.stateTransitions * prices.stateTransition.usd,
    dynamodbWrites: usage.writeUnits * table.write,
    dynamodbReads: usage.readUnits * table.read,
    dynamodbStorage: ((usage.storedBytes * keeping.dataMonths + usage.expiringByteMonths) / gb) * table.storage,
    dynamodbBackup: ((usage.backedUpBytes * keeping.dataMonths + usage.backedUpExpiringByteMonths) / gb) * prices.dynamodbPitrGbMonth.usd,
    eventBridge: usage.events * prices.eventBridgeEvent.usd,
    eventArchive: (usage.eventBytes / gb) * (prices.eventArchiveGb.usd + keeping.eventArchiveMonths * prices.eventArchiveStorageGbMonth.usd),
    logsIngestion: logged * prices.logsIngestionGb.usd,
    logsStorage: logged * keeping.logMonths * prices.logsStorageGbMonth.usd,
    xray: usage.traces * prices.xrayTraceRecorded.usd,
    kms: usage.kmsRequests * prices.kmsRequest.usd,
    s3Requests: usage.s3Writes * prices.s3WriteRequest.usd + usage.s3Reads * prices.s3ReadRequest.usd,
    s3Storage: (usage.s3Bytes / gb) * keeping.dataMonths * prices.s3StorageGbMonth.usd,
  };
}

export const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

// ---- the fixed monthly costs, from the synthesized templates ----

export type Template = { readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>> };

/** Minutes in an average month (365 days / 12). */
export const minutesPerMonth = (365 * 24 * 60) / 12;

/** How often a schedule expression `rate(n unit)` runs in a month; a cron expression is refused (none is used). */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) throw new Error(`Not a rate expression: ${expression}`);
  const minutes = Number(rate[1]) * (rate[2]!.startsWith('minute') ? 1 : rate[2]!.startsWith('hour') ? 60 : 24 * 60);
  return minutesPerMonth / minutes;
}

/** The metrics one alarm evaluates (each is billed): its metric, or each metric its math reads. */
function alarmMetrics(properties: Record<string, any>): number {
  if (Array.isArray(properties.Metrics)) return properties.Metrics.filter((metric: Record<string, unknown>) => metric.MetricStat !== undefined).length;
  return 1;
}

export interface FixedItem {
  readonly item: string;
  readonly count: number;
  readonly usdPerMonth: number;
}

export interface FixedInputs {
  /** Distinct custom metrics (name and dimension values) the functions emitted in the run. */
  readonly customMetrics: number;
  /** Dollars one run of a scheduled function costs, by its deployed function name. */
  readonly scheduledRunUsd: ReadonlyMap<string, number>;
}

/**
 * What the deployment costs each month whether or not a citizen uses it: alarms, dashboards,
 * keys, secrets and custom metrics, and the scheduled functions' runs, read from the templates.
 */
export function fixedMonthlyCosts(templates: readonly Template[], inputs: FixedInputs, prices: Prices): FixedItem[] {
  const resources = templates.flatMap((template) => Object.values(template.Resources ?? {}));
  const byId = new Map(templates.flatMap((template) => Object.entries(template.Resources ?? {})));
  const ofType = (type: string) => resources.filter((resource) => resource.Type === type);
  const alarmMetricCount = sum(ofType('AWS::CloudWatch::Alarm').map((alarm) => alarmMetrics(alarm.Properties ?? {})));
  const items: FixedItem[] = [
    { item: `alarms (${ofType('AWS::CloudWatch::Alarm').length}, by the metrics they evaluate)`, count: alarmMetricCount, usdPerMonth: alarmMetricCount * prices.alarmMetricMonth.usd },
    { item: 'composite alarms', count: ofType('AWS::CloudWatch::CompositeAlarm').length, usdPerMonth: ofType('AWS::CloudWatch::CompositeAlarm').length * prices.compositeAlarmMonth.usd },
    { item: 'dashboards', count: ofType('AWS::CloudWatch::Dashboard').length, usdPerMonth: ofType('AWS::CloudWatch::Dashboard').length * prices.dashboardMonth.usd },
    { item: 'KMS keys', count: ofType('AWS::KMS::Key').length, usdPerMonth: ofType('AWS::KMS::Key').length * prices.kmsKeyMonth.usd },
    { item: 'secrets', count: ofType('AWS::SecretsManager::Secret').length, usdPerMonth: ofType('AWS::SecretsManager::Secret').length * prices.secretMonth.usd },
    { item: 'custom metrics (emitted in the run)', count: inputs.customMetrics, usdPerMonth: inputs.customMetrics * prices.customMetricMonth.usd },
  ];
  for (const rule of ofType('AWS::Events::Rule')) {
    const expression = rule.Properties?.ScheduleExpression as string | undefined;
    if (!expression) continue;
    const runs = runsPerMonth(expression);
    for (const target of (rule.Properties?.Targets ?? []) as Array<{ Arn?: { 'Fn::GetAtt'?: [string, string] } }>) {
      const functionId = target.Arn?.['Fn::GetAtt']?.[0];
      const functionName = functionId ? (byId.get(functionId)?.Properties?.FunctionName as string | undefined) : undefined;
      if (!functionName) throw new Error(`A schedule (${expression}) targets no named function`);
      const perRun = inputs.scheduledRunUsd.get(functionName);
      if (perRun === undefined) throw new Error(`No measured run of the scheduled function ${functionName}`);
      items.push({ item: `${functionName}, ${expression}`, count: Math.round(runs), usdPerMonth: runs * perRun });
    }
  }
  return items;
}

/** Bytes of one HTTP API access log line: the template's format with every `$context` variable a typical 16 characters. */
export function accessLogBytesOf(templates: readonly Template[]): number {
  const formats = templates
    .flatMap((template) => Object.values(template.Resources ?? {}))
    .map((resource) => resource.Properties?.AccessLogSettings?.Format as string | undefined)
    .filter((format): format is string => typeof format === 'string');
  if (formats.length === 0) return 0;
  return Math.max(...formats.map((format) => format.replace(/\$context\.[A-Za-z.]+/g, 'x'.repeat(16)).length + 1));
}

/** The longest retention of the templates' log groups, in months (a group without one keeps forever: refused). */
export function logRetentionMonths(templates: readonly Template[]): number {
  const days = templates
    .flatMap((template) => Object.values(template.Resources ?? {}))
    .filter((resource) => resource.Type === 'AWS::Logs::LogGroup')
    .map((group) => group.Properties?.RetentionInDays as number | undefined);
  if (days.some((value) => value === undefined)) throw new Error('A log group keeps its logs forever: its storage has no bound');
  return Math.max(...(days as number[])) / (365 / 12);
}

/** The event bus archive's retention in months; 0 without an archive. */
export function eventArchiveMonths(templates: readonly Template[]): number {
  const archives = templates.flatMap((template) => Object.values(template.Resources ?? {})).filter((resource) => resource.Type === 'AWS::Events::Archive');
  if (archives.length === 0) return 0;
  const days = archives.map((archive) => archive.Properties?.RetentionDays as number | undefined);
  if (days.some((value) => value === undefined || value === 0)) throw new Error('An event archive keeps its events forever: its storage has no bound');
  return Math.max(...(days as number[])) / (365 / 12);
}

// ---- a month at a stated volume ----

export interface Volume {
  readonly name: string;
  readonly inhabitants: number;
  /** Transactions of each type a year, per 1,000 inhabitants. */
  readonly perThousandInhabitantsPerYear: Readonly<Record<string, number>>;
}

export interface MonthlyFigure {
  readonly name: string;
  readonly transactionsPerMonth: number;
  readonly usageUsd: number;
  readonly byType: Record<string, { readonly transactions: number; readonly usd: number }>;
}

/** What a volume of transactions costs in a month, at each type's cost per transaction. */
export function monthlyUsage(volume: Volume, costPerTransaction: ReadonlyMap<string, number>): MonthlyFigure {
  const byType: Record<string, { transactions: number; usd: number }> = {};
  for (const [type, rate] of Object.entries(volume.perThousandInhabitantsPerYear)) {
    const cost = costPerTransaction.get(type);
    if (cost === undefined) throw new Error(`No measured cost for ${type}, which the volume ${volume.name} names`);
    const transactions = ((volume.inhabitants / 1000) * rate) / 12;
    byType[type] = { transactions, usd: transactions * cost };
  }
  return {
    name: volume.name,
    transactionsPerMonth: sum(Object.values(byType).map((entry) => entry.transactions)),
    usageUsd: sum(Object.values(byType).map((entry) => entry.usd)),
    byType,
  };
}

// ---- what a transaction leaves in the table ----

export type StoredValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: Uint8Array }
  | { readonly BOOL: boolean }
  | { readonly NULL: boolean }
  | { readonly L: readonly StoredValue[] }
  | { readonly M: Readonly<Record<string, StoredValue>> }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly Uint8Array[] };
export type StoredItem = Readonly<Record<string, StoredValue>>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
/** A number is stored as up to 38 significant digits, two a byte, plus one. */
const numberBytes = (value: string) => Math.ceil(value.replace(/^-/, '').replace(/[.]/, '').replace(/^0+/, '').replace(/e.*$/i, '').length / 2) + 1;

/** Bytes of an attribute value as DynamoDB sizes it. */
export function valueBytes(value: StoredValue): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return numberBytes(value.N);
  if ('B' in value) return value.B.length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) return 3 + sum(value.L.map((element) => valueBytes(element) + 1));
  if ('M' in value) return 3 + sum(Object.entries(value.M).map(([name, element]) => utf8(name) + valueBytes(element) + 1));
  if ('SS' in value) return sum(value.SS.map(utf8));
  if ('NS' in value) return sum(value.NS.map(numberBytes));
  return sum(value.BS.map((bytes) => bytes.length));
}

/** DynamoDB bills every item, and every index entry, with 100 bytes of overhead. */
export const storedItemOverheadBytes = 100;

export interface StoredIndex {
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Absent: the index copies every attribute. */
  readonly projectedAttributes?: readonly string[];
}

/** Bytes of an item, or of the attributes of it named: names and values, as DynamoDB sizes them (no overhead). */
function itemBytes(item: StoredItem, names: Iterable<string> = Object.keys(item)): number {
  return sum([...names].filter((name) => item[name] !== undefined).map((name) => utf8(name) + valueBytes(item[name]!)));
}

/** An index's copy of an item: the keys of the table and of the index and what it projects; none when the item lacks the index's keys. */
function indexCopyOf(item: StoredItem | undefined, table: { readonly partitionKey: string; readonly sortKey: string }, index: StoredIndex): StoredItem | undefined {
  if (!item || item[index.partitionKey] === undefined || item[index.sortKey] === undefined) return undefined;
  if (!index.projectedAttributes) return item;
  const names = new Set([table.partitionKey, table.sortKey, index.partitionKey, index.sortKey, ...index.projectedAttributes]);
  return Object.fromEntries([...names].filter((name) => item[name] !== undefined).map((name) => [name, item[name]!])) as StoredItem;
}

/** Bytes an item takes in the table and in each index it is in (an index holds the items that carry its keys). */
export function storedBytes(item: StoredItem, table: { readonly partitionKey: string; readonly sortKey: string }, indexes: readonly StoredIndex[]): number {
  const copies = indexes.map((index) => indexCopyOf(item, table, index)).filter((copy) => copy !== undefined);
  return sum([item, ...copies].map((copy) => itemBytes(copy) + storedItemOverheadBytes));
}

// ---- what a write costs ----

/** Write units of a write of so many bytes: one per started KB, at least one. */
const unitsOfBytes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** A value written the same way whatever the order its map's attributes came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  return JSON.stringify(value);
}

export interface NamedIndex extends StoredIndex {
  readonly indexName: string;
}

export interface WriteUnits {
  /** Units the table's item took. */
  readonly table: number;
  /** Units each index took, by name; an index the write did not touch is absent. */
  readonly indexes: Readonly<Record<string, number>>;
}

/**
 * What one write of an item costs as DynamoDB bills it, from the item before and after it (either absent: a new
 * item, a deleted one):
 * - the table: a unit per started KB of the larger of the two; doubled in a transaction, which writes every item
 *   twice (a prepare and a commit; AWS's example: three 500-byte items in a transaction take six units);
 * - each index the item is in before or after: a write of its copy (the keys of the table and of the index and the
 *   attributes it projects) when the copy appears, goes, or changes; two (a delete and a put) when the index key
 *   changes; none when the copy stays as it was. Index writes follow the commit as they follow any write: they are
 *   not doubled in a transaction.
 *
 * DynamoDB Local's own ConsumedCapacity for TransactWriteItems is not what AWS bills: it reports 4 units for one
 * 100-byte item and 4 for six of them (AWS: 2 and 12). The bench computes a transaction's units with this instead.
 */
export function writeUnitsOf(
  before: StoredItem | undefined,
  after: StoredItem | undefined,
  table: { readonly partitionKey: string; readonly sortKey: string },
  indexes: readonly NamedIndex[],
  options: { readonly transactional: boolean },
): WriteUnits {
  const larger = Math.max(before ? itemBytes(before) : 0, after ? itemBytes(after) : 0);
  const result: Record<string, number> = {};
  for (const index of indexes) {
    const old = indexCopyOf(before, table, index);
    const copy = indexCopyOf(after, table, index);
    let units = 0;
    if (old && copy) {
      const keyOf = (item: StoredItem) => canonical([item[index.partitionKey], item[index.sortKey]]);
      if (keyOf(old) !== keyOf(copy)) units = unitsOfBytes(itemBytes(old)) + unitsOfBytes(itemBytes(copy));
      else if (canonical(old) !== canonical(copy)) units = unitsOfBytes(Math.max(itemBytes(old), itemBytes(copy)));
    } else if (old || copy) units = unitsOfBytes(itemBytes((old ?? copy)!));
    if (units > 0) result[index.indexName] = units;
  }
  return { table: (options.transactional ? 2 : 1) * unitsOfBytes(larger), indexes: result };
}

// ---- what a write is of ----

/** The kinds of item the table holds, by their key formats (functions/adapters/table-keys.ts), for the bench's write report. */
export function itemKindOf(partitionKey: string, sortKey: string): string {
  if (partitionKey.startsWith('CASE#')) {
    if (sortKey === 'CASE') return 'case';
    if (sortKey.startsWith('CASE#TASK#')) return 'task';
    if (sortKey.startsWith('AUDIT#')) return 'audit event';
    if (sortKey.startsWith('OUTBOX#')) return 'outbox';
    if (sortKey.startsWith('AWAIT#')) return 'message wait';
  }
  if (partitionKey.startsWith('TENANT#') && partitionKey.endsWith('#EVENTS')) return 'event log';
  if (partitionKey.startsWith('TENANT#') && partitionKey.endsWith('#SUBSCRIPTIONS')) return 'subscription';
  const byPrefix: Record<string, string> = {
    TASK: 'task',
    CASENO: 'case number',
    COUNTER: 'case number counter',
    IDEMPOTENCY: 'idempotency key',
    ACCESS: 'processing log',
    DELIVERIES: 'webhook delivery',
    TENANT: 'tenant',
  };
  const prefix = partitionKey.split('#')[0]!;
  return byPrefix[prefix] ?? prefix.toLowerCase();
}

// ---- the floor ----

/** The components paid for keeping what a transaction leaves, month after month, rather than for doing it. */
export const keepingComponents = ['dynamodbStorage', 'dynamodbBackup', 's3Storage', 'eventArchive', 'logsStorage'] as const satisfies readonly CostComponent[];

/** Bytes of each record the floor writes and keeps: one write unit's worth. */
export const floorRecordBytes = 1024;

export interface Floor {
  /** The client's requests: one submission, plus each decision or message it must send. */
  readonly requests: number;
  /** Records: one per audit event and per status change. */
  readonly records: number;
  /** Each request as one minimal Lambda invocation (128 MB, 1 ms) and each record as one write. */
  readonly doingUsd: number;
  /** Each record kept, with its backup, for the type's retention. */
  readonly keepingUsd: number;
  readonly usd: number;
}

/**
 * The least any system could pay for a transaction: the requests its client must make, one
 * minimal function call each, and one 1-KB record written and kept (with point-in-time
 * recovery, for the retention) per audit event and per status change, nothing else; each at
 * the cheaper of the table classes' prices for it.
 */
export function floorOf(requests: number, records: number, keeping: Pick<Keeping, 'dataMonths'>, prices: Prices): Floor {
  const doingUsd =
    requests * (prices.apiRequest.usd + prices.lambdaRequest.usd + 0.001 * (128 / 1024) * prices.lambdaGbSecond.usd) +
    records * Math.min(prices.writeRequestUnit.usd, prices.writeRequestUnitIa.usd);
  const storage = Math.min(prices.dynamodbStorageGbMonth.usd, prices.dynamodbStorageIaGbMonth.usd);
  const keepingUsd = ((records * floorRecordBytes) / gb) * keeping.dataMonths * (storage + prices.dynamodbPitrGbMonth.usd);
  return { requests, records, doingUsd, keepingUsd, usd: doingUsd + keepingUsd };
}

/** What a transaction pays to be done, without what it pays to be kept. */
export function doingUsdOf(cost: Readonly<Record<CostComponent, number>>): number {
  return sum(costComponents.filter((component) => !(keepingComponents as readonly string[]).includes(component)).map((component) => cost[component]));
}
