import { Key } from 'aws-cdk-lib/aws-kms';
import { buildApp } from '../../infra/app';
import { type Json, type SynthesizedLoket, sharedSynthesis, synthesisTimeout, synthesizeLoket, testContext, withoutBundling } from './synthesize';

/** The synthesis the infra test files share: made by whichever asked first, maybe in another jest worker. */
let first: SynthesizedLoket;
/** This file's own synthesis, made here and shared with no one, so that two independent syntheses are compared. */
let second: SynthesizedLoket;

beforeAll(async () => {
  // Its own first: meanwhile another worker may be making the shared one, which it then reads.
  second = synthesizeLoket();
  first = await sharedSynthesis();
}, synthesisTimeout * 3);

describe('the app', () => {
  test('passes the cdk-nag AWS Solutions checks with every finding fixed or acknowledged', () => {
    // An unacknowledged error would have made app.synth() throw; a warning only shows in the report.
    const reports = (first.validationReport?.pluginReports ?? []) as { pluginName: string; violations: unknown[] }[];
    const awsSolutions = reports.filter((report) => report.pluginName === 'AwsSolutions');
    expect(awsSolutions.flatMap((report) => report.violations)).toEqual([]);
  });

  test(
    'fails synthesis on a cdk-nag finding that is neither fixed nor acknowledged',
    () => {
      // cdk-nag reads the templates, not the bundles: no bundling needed to fail on a finding.
      const { app, stateful } = buildApp({ context: { ...testContext, ...withoutBundling } });
      new Key(stateful, 'UnrotatedKey');
      expect(() => app.synth()).toThrow(/AwsSolutions-KMS5/);
    },
    synthesisTimeout,
  );

  test('synthesizes the same templates twice (deterministic)', () => {
    const differing = (a: Json, b: Json): string[] =>
      [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
    expect(differing(first.statefulJson.Resources, second.statefulJson.Resources)).toEqual([]);
    expect(differing(first.statelessJson.Resources, second.statelessJson.Resources)).toEqual([]);
    expect(JSON.stringify(second.statefulJson)).toBe(JSON.stringify(first.statefulJson));
    expect(JSON.stringify(second.statelessJson)).toBe(JSON.stringify(first.statelessJson));
  });

  test('has no account, region or lookup baked in', () => {
    const templates = JSON.stringify([first.statefulJson, first.statelessJson]);
    expect(templates).not.toMatch(/\b\d{12}\b/);
    expect(templates).not.toMatch(/(eu|us|ap|ca|sa|me|af)-(west|east|north|south|central|southeast|northeast)-\d/);
  });

  test('fails clearly when the JWT issuer context is missing', () => {
    expect(() => buildApp({ context: { 'loket:jwtIssuer': '' } })).toThrow(/Context 'loket:jwtIssuer' is missing/);
  });
});
