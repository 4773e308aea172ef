import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { traced, traceHandler, tracer, tracingEnabledIn } from '../../../functions/commons/powertools';

const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

describe('whether the functions trace (Powertools Tracer’s rule)', () => {
  test.each([
    ['on Lambda', lambda, true],
    ['on Lambda with POWERTOOLS_TRACE_ENABLED=true', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    ['on Lambda with POWERTOOLS_TRACE_ENABLED=false', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    ['on Lambda with POWERTOOLS_TRACE_ENABLED=FALSE', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    ['off Lambda (the local host, the tests)', {}, false],
    ['off Lambda, whatever POWERTOOLS_TRACE_ENABLED says', { POWERTOOLS_TRACE_ENABLED: 'true' }, false],
    ["under Amplify's mock", { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
    ["under SAM's local host", { ...lambda, AWS_SAM_LOCAL: 'true' }, false],
  ])('%s: %s', (_, env, enabled) => {
    expect(tracingEnabledIn(env)).toBe(enabled);
  });
});

describe('where nothing is traced, nothing of X-Ray is loaded', () => {
  test('no tracer: clients are themselves and the handler middleware does nothing', () => {
    expect(tracer).toBeUndefined();
    const client = { send: () => undefined };
    expect(traced(client)).toBe(client);
    expect(traceHandler()).toEqual([]);
  });

  /**
   * The X-Ray SDK's context (cls-hooked) registers its namespace, with an async hook on every
   * promise of the process, when it loads: a process that loads the shared tracer shows whether it did.
   */
  const namespacesAfterLoading = (env: Record<string, string>): string[] => {
    const script = "await import('./functions/commons/powertools.ts'); process.stdout.write(JSON.stringify(Object.keys(process.namespaces ?? {})));";
    const { AWS_EXECUTION_ENV: _, POWERTOOLS_TRACE_ENABLED: __, ...rest } = process.env;
    return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...rest, ...env }, encoding: 'utf8' })) as string[];
  };

  test('off Lambda, loading the functions’ telemetry loads no X-Ray context', () => {
    expect(namespacesAfterLoading({})).toEqual([]);
  }, 30_000);

  test('on Lambda it does: the tracer is loaded, with its context', () => {
    expect(namespacesAfterLoading({ ...lambda, AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' })).toEqual(['AWSXRay']);
  }, 30_000);
});
