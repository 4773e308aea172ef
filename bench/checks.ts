import type { Driven, Driver, Submitted } from './transactions';
import { pool } from './transactions';

export interface Finding {
  readonly caseId: string;
  readonly type: string;
  readonly why: string;
}

export interface ReliabilityReport {
  readonly submitted: number;
  /** Answered 201 (acknowledged). */
  readonly acknowledged: number;
  /** Submissions that never got a 201, even after the client's retries with the same key. */
  readonly notAcknowledged: Finding[];
  /** Acknowledged but not found. */
  readonly lost: Finding[];
  /** Acknowledged and found, but not in a final status. */
  readonly notFinal: Finding[];
  /** More than one case for one Idempotency-Key, or for one (fresh) applicant. */
  readonly duplicated: Finding[];
  /** Audit chains that do not verify. */
  readonly unverified: Finding[];
  /** Cases that ended `failed` (a step's failure was recorded), with the end of their audit trail. */
  readonly failed: Finding[];
  /** Final statuses reached, by type and status. */
  readonly finalStatuses: Record<string, Record<string, number>>;
  /**
   * Audit events `task.result-undeliverable` and `message.result-undeliverable`: a result that
   * met no waiting step (it timed out, or an earlier delivery of the same result got there first).
   */
  readonly undeliverableResults: number;
}

/**
 * Checks what became of acknowledged submissions: every one is present and final, one
 * case per Idempotency-Key (a replay answers the same case) and per fresh applicant, and
 * every audit chain verifies. Reads through the API, as a client would.
 */
export async function checkTransactions(
  driver: Driver,
  tokens: Record<string, { portal: string; operator: string }>,
  results: ReadonlyArray<Submitted & Partial<Driven>>,
  options: {
    /** Whether a result's applicant was fresh (one case per applicant): all, none, or per result. */
    freshApplicants: boolean | ((result: Submitted) => boolean);
    concurrency?: number;
  },
): Promise<ReliabilityReport> {
  const report: ReliabilityReport = {
    submitted: results.length,
    acknowledged: 0,
    notAcknowledged: [],
    lost: [],
    notFinal: [],
    duplicated: [],
    unverified: [],
    failed: [],
    finalStatuses: {},
    undeliverableResults: 0,
  };
  let acknowledged = 0;
  let undeliverableResults = 0;
  await pool(results, options.concurrency ?? 16, async (result) => {
    const type = result.type.key;
    if (result.status !== 201 || !result.id) {
      report.notAcknowledged.push({ caseId: result.id, type, why: `submission answered ${result.status}` });
      return;
    }
    acknowledged += 1;
    const tenantTokens = tokens[result.tenant]!;
    const found = await driver.call('GET', `/v1/cases/${result.id}`, { token: tenantTokens.portal });
    if (found.status === 404) {
      report.lost.push({ caseId: result.id, type, why: 'acknowledged with 201 but GET answers 404' });
      return;
    }
    if (found.status !== 200) {
      report.lost.push({ caseId: result.id, type, why: `GET answers ${found.status}` });
      return;
    }
    const status = found.body.status;
    if (!status?.final) report.notFinal.push({ caseId: result.id, type, why: result.reason ?? `status '${status?.code}'` });
    else {
      const byStatus = (report.finalStatuses[type] ??= {});
      byStatus[status.code] = (byStatus[status.code] ?? 0) + 1;
    }

    const replay = await driver.call('POST', '/v1/cases', { token: tenantTokens.portal, body: result.body, headers: { 'idempotency-key': result.idempotencyKey } });
    if (replay.status !== 201 || replay.body?.id !== result.id) {
      report.duplicated.push({ caseId: result.id, type, why: `a replay of its Idempotency-Key answered ${replay.status} ${replay.body?.id ?? ''}` });
    }
    const fresh = typeof options.freshApplicants === 'function' ? options.freshApplicants(result) : options.freshApplicants;
    if (fresh) {
      const applicant = Object.values(result.body && typeof result.body === 'object' ? ((result.body as { applicant: Record<string, string> }).applicant ?? {}) : {})[0];
      const search = await driver.call('POST', '/v1/cases/search', { token: tenantTokens.portal, body: { applicant, limit: 10 } });
      const count = search.body?.items?.length ?? -1;
      if (count !== 1) report.duplicated.push({ caseId: result.id, type, why: `${count} cases for its applicant ${applicant}` });
    }

    const history = await driver.call('GET', `/v1/cases/${result.id}/history`, { token: tenantTokens.operator });
    const items: Array<{ action?: string; details?: Record<string, unknown> }> = Array.isArray(history.body?.items) ? history.body.items : [];
    if (status?.final && status.code === 'failed') {
      const trail = items.slice(-6).map((event) => `${event.action}${event.details?.error ? ` (${String(event.details.error)})` : ''}`);
      report.failed.push({ caseId: result.id, type, why: `ended 'failed'; last events: ${trail.join(' → ')}` });
    }
    undeliverableResults += items.filter((event) => typeof event.action === 'string' && event.action.endsWith('.result-undeliverable')).length;
    if (history.status !== 200 || history.body?.verified !== true) {
      report.unverified.push({ caseId: result.id, type, why: history.status === 200 ? 'hash chain does not verify' : `history answers ${history.status}` });
    }
  });
  return { ...report, acknowledged, undeliverableResults };
}
