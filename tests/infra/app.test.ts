import { buildApp } from '../../infra/app';
import { type SynthesizedLoket, synthesisTimeout, synthesizeLoket } from './synthesize';

let first: SynthesizedLoket;
let second: SynthesizedLoket;

beforeAll(() => {
  first = synthesizeLoket();
  second = synthesizeLoket();
}, synthesisTimeout * 2);

describe('the app', () => {
  test('passes the cdk-nag AWS Solutions checks with every finding fixed or acknowledged', () => {
    // An unacknowledged error would have made app.synth() throw; a warning only shows in the report.
    const reports = (first.validationReport?.pluginReports ?? []) as { pluginName: string; violations: unknown[] }[];
    const awsSolutions = reports.filter((report) => report.pluginName === 'AwsSolutions');
    expect(awsSolutions.flatMap((report) => report.violations)).toEqual([]);
  });

  test('synthesizes the same templates twice (deterministic)', () => {
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
