import { expect, jest, test } from '@jest/globals';
import { metrics } from '../../../functions/commons/powertools';
import { powertoolsTelemetry } from '../../../functions/commons/telemetry';

/** The EMF documents Powertools writes while `act` runs, flushed. */
function emfOf(act: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(collect), jest.spyOn(process.stderr, 'write').mockImplementation(collect)];
  try {
    act();
    metrics.publishStoredMetrics();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('_aws'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test.each([['issued'], ['rejected'], ['expired'], ['withdrawn'], ['failed']])(
  'a case closed %s is counted per type and final status, apart from CasesCompleted/CasesFailed and their dimensions',
  (status) => {
    const documents = emfOf(() => powertoolsTelemetry.caseClosed('proof-of-residence', status));
    const closed = documents.find((document) => 'CasesClosed' in document);
    expect(closed).toMatchObject({ CasesClosed: 1, transactionType: 'proof-of-residence', status });
    const legacy = documents.find((document) => (status === 'failed' ? 'CasesFailed' : 'CasesCompleted') in document);
    expect(legacy).toMatchObject({ transactionType: 'proof-of-residence' });
    expect(legacy).not.toHaveProperty('status');
  },
);
