import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { diagramGeometry, toSvg, type DiagramGeometry } from '../../designer/diagram';
import type { Point, Rect } from '../../designer/graph-layout';
import { loadMachine, statesOf, type Machine, type State } from '../../designer/workflow-graph';
import { loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';
import { readTransactionType } from '../../workflows/type-loader';

const EPSILON = 0.5;

/** Whether two rectangles share interior (touching edges do not count). */
function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width - EPSILON && b.x < a.x + a.width - EPSILON && a.y < b.y + b.height - EPSILON && b.y < a.y + a.height - EPSILON;
}

/** Whether the segment enters the rectangle's interior (Liang–Barsky clipping against the rectangle shrunk by EPSILON). */
function segmentCrosses(from: Point, to: Point, rect: Rect): boolean {
  const [left, right, top, bottom] = [rect.x + EPSILON, rect.x + rect.width - EPSILON, rect.y + EPSILON, rect.y + rect.height - EPSILON];
  if (left >= right || top >= bottom) return false;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [
    [-dx, from.x - left],
    [dx, right - from.x],
    [-dy, from.y - top],
    [dy, bottom - from.y],
  ] as Array<[number, number]>) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 >= t1) return false;
  }
  return true;
}

/**
 * Everything a reader could misread in a diagram: an edge through a box (other than the groups
 * it is drawn in), an edge through a label or a title text, a label on a box, on a group's
 * header, on another label or on a title text, and boxes on each other.
 */
function overlapsIn(geometry: DiagramGeometry): string[] {
  const problems: string[] = [];
  const { boxes, edges, texts } = geometry;
  const labels = edges.flatMap((edge, index) => (edge.label ? [{ rect: edge.label, index, edge }] : []));
  edges.forEach((edge, index) => {
    const name = `edge ${edge.from} → ${edge.to}`;
    for (let i = 0; i + 1 < edge.points.length; i++) {
      const [from, to] = [edge.points[i] as Point, edge.points[i + 1] as Point];
      for (const box of boxes) {
        if (!edge.ancestors.includes(box.name) && segmentCrosses(from, to, box.rect)) problems.push(`${name} crosses the box of ${box.name}`);
        if (edge.ancestors.includes(box.name) && segmentCrosses(from, to, box.title)) problems.push(`${name} crosses the header of ${box.name}`);
      }
      for (const label of labels) if (label.index !== index && segmentCrosses(from, to, label.rect)) problems.push(`${name} crosses the label of ${label.edge.from} → ${label.edge.to}`);
      for (const text of texts) if (segmentCrosses(from, to, text)) problems.push(`${name} crosses the diagram's title`);
    }
  });
  labels.forEach(({ rect, edge }, index) => {
    const name = `the label of ${edge.from} → ${edge.to}`;
    for (const box of boxes) {
      const area = edge.ancestors.includes(box.name) ? box.title : box.rect;
      if (rectsOverlap(rect, area)) problems.push(`${name} overlaps ${box.name}`);
    }
    for (const other of labels.slice(index + 1)) if (rectsOverlap(rect, other.rect)) problems.push(`${name} overlaps the label of ${other.edge.from} → ${other.edge.to}`);
    for (const text of texts) if (rectsOverlap(rect, text)) problems.push(`${name} overlaps the diagram's title`);
  });
  boxes.forEach((box, index) => {
    for (const other of boxes.slice(index + 1)) {
      const overlap = box.ancestors.includes(other.name)
        ? rectsOverlap(box.rect, other.title)
        : other.ancestors.includes(box.name)
          ? rectsOverlap(other.rect, box.title)
          : rectsOverlap(box.rect, other.rect);
      if (overlap) {
        problems.push(`the boxes of ${box.name} and ${other.name} overlap`);
      }
    }
    for (const text of texts) if (rectsOverlap(box.rect, text)) problems.push(`the box of ${box.name} overlaps the diagram's title`);
  });
  return [...new Set(problems)];
}

const figures = (geometry: DiagramGeometry) => ({
  boxes: geometry.boxes.length,
  edges: geometry.edges.length,
  segments: geometry.edges.reduce((sum, edge) => sum + edge.points.length - 1, 0),
  labels: geometry.edges.filter((edge) => edge.label).length,
});

const keys = loadWorkflowSources().map((source) => source.key);
const typeOf = (key: string) => readTransactionType(workflowsDirectory, key);

describe('the diagram of every shipped type', () => {
  test.each(keys)('%s: no edge crosses a box, a label or a title; no label overlaps another label, a box or a title', (key) => {
    const geometry = diagramGeometry(loadMachine(workflowsDirectory, key), typeOf(key));
    expect(overlapsIn(geometry)).toEqual([]);
    const machine = loadMachine(workflowsDirectory, key);
    expect(geometry.boxes.map((box) => box.name).sort()).toEqual([...statesOf(machine)].map(([name]) => name).sort());
    expect(figures(geometry).segments).toBeGreaterThan(0);
  });

  test('durations are in days, and task boxes show their role, due days and outcomes', () => {
    const svg = toSvg(loadMachine(workflowsDirectory, 'event-permit'), typeOf('event-permit'));
    expect(svg).not.toMatch(/2592000|1209600/);
    expect(svg).toContain('>Wait · waits 30 days</text>');
    expect(svg).toContain('>objection period (30 days)</text>');
    expect(svg).toContain('>role college · due in 15 working days</text>');
    expect(svg).toContain('>outcomes: grant, refuse</text>');
    expect(svg).toContain('>times out after 21 days</text>');
  });
});

describe('the overlap check', () => {
  const geometry = diagramGeometry(loadMachine(workflowsDirectory, 'event-permit'), typeOf('event-permit'));

  test('finds a box moved onto an edge, a label moved onto a box and two labels on each other', () => {
    const edge = geometry.edges.find((candidate) => candidate.from === 'DecisionOutcome' && candidate.label) as DiagramGeometry['edges'][number];
    // The first label is the police advice's timeout, inside the GatherAdvice group.
    const otherLabel = geometry.edges.find((candidate) => candidate.label && candidate !== edge)?.label as Rect;
    const middle = edge.points[Math.floor(edge.points.length / 2)] as Point;
    const box = geometry.boxes.find((candidate) => candidate.name === 'GrantPermit') as DiagramGeometry['boxes'][number];
    const movedBox = { ...box.rect, x: middle.x - 20, y: middle.y - 20 };
    const broken: DiagramGeometry = {
      ...geometry,
      boxes: geometry.boxes.map((candidate) => (candidate === box ? { ...box, rect: movedBox, title: movedBox } : candidate)),
      edges: geometry.edges.map((candidate) => (candidate === edge ? { ...edge, label: { ...otherLabel } } : candidate)),
    };
    expect(overlapsIn(broken)).toEqual(
      expect.arrayContaining([
        `edge ${edge.from} → ${edge.to} crosses the box of GrantPermit`,
        `the label of ${edge.from} → ${edge.to} overlaps GatherAdvice`,
        expect.stringMatching(/^the label of \w+ → \w+ overlaps the label of DecisionOutcome → /),
      ]),
    );
  });
});

/** A random workflow: any mix of states, transitions forwards, backwards and to themselves, catches, failure paths and Parallel branches. */
const workflows = fc
  .record({
    size: fc.integer({ min: 1, max: 14 }),
    seeds: fc.array(
      fc.record({
        kind: fc.constantFrom('Task', 'Pass', 'Choice', 'Wait', 'Fail', 'Succeed', 'Parallel', 'RecordFailure'),
        nameLength: fc.integer({ min: 0, max: 30 }),
        next: fc.nat(),
        rules: fc.array(fc.record({ target: fc.nat(), value: fc.string({ maxLength: 40 }) }), { maxLength: 4 }),
        catches: fc.array(fc.record({ target: fc.nat(), errors: fc.constantFrom(['States.ALL'], ['States.Timeout'], ['Custom.Error', 'States.TaskFailed']) }), { maxLength: 2 }),
        branches: fc.array(fc.array(fc.record({ next: fc.nat(), kind: fc.constantFrom('Task', 'Pass', 'Fail', 'Choice'), rule: fc.nat() }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
      { minLength: 14, maxLength: 14 },
    ),
  })
  .map(({ size, seeds }): Machine => {
    const names = seeds.slice(0, size).map((seed, index) => `S${index}${'x'.repeat(seed.nameLength)}`);
    const at = (n: number) => names[n % names.length] as string;
    const States: Record<string, State> = {};
    seeds.slice(0, size).forEach((seed, index) => {
      const name = names[index] as string;
      const catches = seed.catches.map((c) => ({ ErrorEquals: c.errors, Next: at(c.target) }));
      switch (seed.kind) {
        case 'Choice':
          States[name] = {
            Type: 'Choice',
            Choices: seed.rules.map((rule) => ({ Variable: '$.outcome', StringEquals: rule.value, Next: at(rule.target) })),
            Default: at(seed.next),
          };
          break;
        case 'Fail':
        case 'Succeed':
          States[name] = { Type: seed.kind };
          break;
        case 'RecordFailure':
          States[name] = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${RecordStatusFunctionArn}', Payload: { status: 'failed' } }, Next: at(seed.next) };
          break;
        case 'Parallel':
          States[name] = {
            Type: 'Parallel',
            Branches: seed.branches.map((branch, b) => {
              const inner = branch.map((_, s) => `${name}_${b}_${s}`);
              const innerAt = (n: number) => inner[n % inner.length] as string;
              return {
                StartAt: inner[0] as string,
                States: Object.fromEntries(
                  branch.map((step, s) => [
                    inner[s],
                    step.kind === 'Fail'
                      ? { Type: 'Fail' }
                      : step.kind === 'Choice'
                        ? { Type: 'Choice', Choices: [{ Variable: '$.x', StringEquals: 'yes', Next: innerAt(step.rule) }], Default: innerAt(step.next) }
                        : { Type: step.kind, ...(step.next % 3 === 0 ? { End: true } : { Next: innerAt(step.next) }) },
                  ]),
                ),
              };
            }),
            Next: at(seed.next),
            Catch: catches,
          };
          break;
        default:
          States[name] = { Type: seed.kind, Resource: 'arn:aws:states:::lambda:invoke', Next: at(seed.next), ...(seed.kind === 'Task' ? { Catch: catches, TimeoutSeconds: 86_400 * (1 + (seed.next % 30)) } : { Seconds: 3600 }) };
      }
    });
    return { StartAt: names[0] as string, States };
  });

describe('the diagram of generated workflows', () => {
  test('no edge crosses a box, a label or a title, and no label overlaps another, whatever the graph: branches, loops, self-loops and groups', () => {
    const type = typeOf('proof-of-residence');
    const totals = { graphs: 0, boxes: 0, edges: 0, segments: 0, labels: 0 };
    fc.assert(
      fc.property(workflows, (machine) => {
        const geometry = diagramGeometry(machine, type);
        expect(overlapsIn(geometry)).toEqual([]);
        expect(geometry.boxes).toHaveLength([...statesOf(machine)].length);
        const counted = figures(geometry);
        totals.graphs += 1;
        totals.boxes += counted.boxes;
        totals.edges += counted.edges;
        totals.segments += counted.segments;
        totals.labels += counted.labels;
      }),
      { numRuns: 300, seed: 16 },
    );
    // The figures in the report: what the check covered.
    console.log(`generated workflows checked: ${JSON.stringify(totals)}`);
    expect(totals.graphs).toBe(300);
  });
});
