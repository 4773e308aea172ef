import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TransactionType } from '../functions/domain/transaction-type';
import { workflowsDirectory } from '../workflows/definitions';
import { readTransactionType } from '../workflows/type-loader';
import { layoutGraph, type GraphLayout, type LayoutEdge, type LayoutNode, type Point, type Rect, type Size } from './graph-layout';
import {
  awaitedName,
  caseErrorsLabel,
  describeState,
  formatDuration,
  invokedStep,
  loadMachine,
  nestedMachines,
  recordedStatus,
  recordsFinalStatus,
  transitionsOf,
  type Machine,
  type State,
  type Transition,
} from './workflow-graph';

/** How a state is drawn: plain, closing the case with a final status, or ending in failure. */
type Tone = 'plain' | 'final' | 'failure' | 'success';

function toneOf(state: State, type: TransactionType): Tone {
  if (state.Type === 'Fail') return 'failure';
  if (state.Type === 'Succeed') return 'success';
  if (recordsFinalStatus(state, type)) return recordedStatus(state) === 'failed' ? 'failure' : 'final';
  return 'plain';
}

interface TextLine {
  readonly text: string;
  /** name: the state's name; detail: what it does; note: what type.json declares of it; on-error: where other errors go. */
  readonly kind: 'name' | 'detail' | 'note' | 'on-error';
}

/** Splits a list into lines of at most `width` characters after a first line's prefix. */
function wrapped(prefix: string, words: readonly string[], width = 44): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of words) {
    const next = line === prefix || line.endsWith(' ') ? `${line}${word}` : `${line}, ${word}`;
    if (next.length > width && line !== prefix && !line.endsWith(' ')) {
      lines.push(`${line},`);
      line = `  ${word}`;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

/**
 * A catch-all into the failure path is on nearly every Task: a note on the box ("on error → X"),
 * not a line across the picture.
 */
function isNotedOnBox(transition: Transition, machine: Machine, type: TransactionType): boolean {
  const target = machine.States[transition.target];
  const catchAll = transition.label === 'States.ALL' || transition.label === caseErrorsLabel;
  return transition.kind === 'catch' && catchAll && target !== undefined && toneOf(target, type) === 'failure';
}

/** What a box says: its name, what it does, and for the steps type.json declares, the role, due days, outcomes and timeouts. */
function linesOf(name: string, state: State, type: TransactionType, machine?: Machine): TextLine[] {
  const description = describeState(state);
  const lines: TextLine[] = [
    { text: name, kind: 'name' },
    { text: `${state.Type}${description ? ` · ${description}` : ''}`, kind: 'detail' },
  ];
  const step = invokedStep(state);
  const awaited = awaitedName(state);
  const task = step === 'create-task' && awaited !== undefined ? type.tasks[awaited] : undefined;
  if (task) {
    lines.push({ text: `role ${task.role} · due in ${task.dueInWorkingDays} working days`, kind: 'note' });
    for (const text of wrapped('outcomes: ', task.outcomes)) lines.push({ text, kind: 'note' });
  }
  const period = state.Type === 'Wait' ? type.periods[name] : undefined;
  if (period) lines.push({ text: `${period.description.en} (${period.days} days)`, kind: 'note' });
  if (typeof state.TimeoutSeconds === 'number') lines.push({ text: `times out after ${formatDuration(state.TimeoutSeconds)}`, kind: 'note' });
  if (machine) {
    for (const transition of transitionsOf(state)) {
      if (isNotedOnBox(transition, machine, type)) lines.push({ text: `on error → ${transition.target}`, kind: 'on-error' });
    }
  }
  return lines;
}

// ---------------------------------------------------------------- Mermaid

const mermaidText = (text: string) => text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));

/** The workflow as a Mermaid flowchart (TD): Parallel branches and Map processors as subgraphs. */
export function toMermaid(machine: Machine, type: TransactionType): string {
  const lines = ['flowchart TD', `  %% ${type.key} v${type.version}: ${type.title.en}`];
  const ids = new Map<Machine, Map<string, string>>();
  let counter = 0;
  const idsOf = (inner: Machine) => {
    let map = ids.get(inner);
    if (!map) {
      map = new Map(Object.keys(inner.States).map((name) => [name, `s${counter++}`]));
      ids.set(inner, map);
    }
    return map;
  };
  const classes: Record<Tone, string[]> = { plain: [], final: [], failure: [], success: [] };
  const edges: string[] = [];
  const arrow = (transition: Transition) => (transition.kind === 'catch' || transition.kind === 'timeout' ? '-.->' : '-->');

  const emit = (inner: Machine, indent: string) => {
    const own = idsOf(inner);
    for (const [name, state] of Object.entries(inner.States)) {
      const id = own.get(name) as string;
      const nested = nestedMachines(state);
      if (nested.length > 0) {
        const [title, ...details] = linesOf(name, state, type).map((line) => mermaidText(line.text));
        lines.push(`${indent}subgraph ${id}["<b>${title}</b><br/>${details.join('<br/>')}"]`, `${indent}  direction TB`);
        nested.forEach((branch, index) => {
          const branchId = `${id}_b${index}`;
          const label = state.Type === 'Map' ? 'each item' : `branch ${index + 1}`;
          lines.push(`${indent}  subgraph ${branchId}["${label}"]`);
          emit(branch, `${indent}    `);
          lines.push(`${indent}  end`);
        });
        lines.push(`${indent}end`);
      } else {
        const [title, ...details] = linesOf(name, state, type).map((line) => mermaidText(line.text));
        const detail = details.join('<br/>');
        const shape = state.Type === 'Choice' ? [`{"`, `"}`] : state.Type === 'Succeed' || state.Type === 'Fail' ? ['(["', '"])'] : ['["', '"]'];
        lines.push(`${indent}${id}${shape[0]}<b>${title}</b><br/>${detail}${shape[1]}`);
      }
      classes[toneOf(state, type)].push(id);
      for (const transition of transitionsOf(state)) {
        const target = own.get(transition.target);
        if (!target) continue;
        const label = transition.label ? `|"${mermaidText(transition.label)}"|` : '';
        edges.push(`  ${id} ${arrow(transition)}${label} ${target}`);
      }
    }
  };
  lines.push('  start((start))');
  emit(machine, '  ');
  lines.push(`  start --> ${idsOf(machine).get(machine.StartAt) ?? 'start'}`);
  lines.push(...edges);
  lines.push(
    '  classDef final fill:#d9f2df,stroke:#1e7b34,stroke-width:3px',
    '  classDef failure fill:#fbe0e0,stroke:#b42318,stroke-width:2px',
    '  classDef success fill:#d9f2df,stroke:#1e7b34',
  );
  for (const tone of ['final', 'failure', 'success'] as const) {
    if (classes[tone].length > 0) lines.push(`  class ${classes[tone].join(',')} ${tone}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- SVG

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

const LINE_HEIGHT = 16;
const LABEL_LINE_HEIGHT = 12;
const PADDING = 10;
const BRANCH_GAP = 24;
const BRANCH_HEADER = 18;
const MARGIN = 40;
const TITLE_HEIGHT = 44;
const FONT_SIZE: Record<TextLine['kind'] | 'label', number> = { name: 12, detail: 11, note: 10.5, 'on-error': 10, label: 10 };

/**
 * How wide a text is drawn, in pixels, from Helvetica's character widths in groups, rounded up:
 * the layout keeps this room, so the estimate must not fall short.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let ems = 0;
  for (const c of text) {
    if ('il.,:;|!\'`'.includes(c)) ems += 0.3;
    else if ('jtfr ()[]{}"-/'.includes(c)) ems += 0.38;
    else if ('mwMW@%'.includes(c)) ems += 0.9;
    else if (/[A-Z]/.test(c)) ems += 0.74;
    else if ('→=<>+*'.includes(c)) ems += 0.62;
    else ems += 0.58;
  }
  return Math.ceil(ems * fontSize * (bold ? 1.08 : 1));
}

const lineWidth = (line: TextLine) => textWidth(line.text, FONT_SIZE[line.kind], line.kind === 'name');

/** A Choice rule or a Catch's errors as a label of at most 30 characters a line. */
function labelLines(text: string): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && `${line} ${word}`.length > 30) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

const labelSize = (lines: readonly string[]): Size => ({
  width: Math.max(...lines.map((line) => textWidth(line, FONT_SIZE.label))) + 8,
  height: lines.length * LABEL_LINE_HEIGHT + 4,
});

interface Branch {
  readonly frame: Frame;
  readonly title: string;
  /** Where the branch's frame sits in its group's box. */
  readonly dx: number;
  readonly dy: number;
}

interface FrameNode {
  readonly name: string;
  readonly state: State;
  readonly lines: readonly TextLine[];
  readonly branches: readonly Branch[];
  /** The group's header: its lines and the branch titles; the inner frames sit below it. */
  readonly headerHeight: number;
}

interface FrameEdge {
  readonly transition: Transition;
  readonly from: string;
  readonly labelLines?: readonly string[];
}

/** One machine (the workflow, a Parallel branch or a Map processor) laid out. */
interface Frame {
  readonly machine: Machine;
  readonly nodes: ReadonlyMap<string, FrameNode>;
  readonly edges: ReadonlyMap<string, FrameEdge>;
  readonly layout: GraphLayout;
}

function frameOf(machine: Machine, type: TransactionType): Frame {
  const nodes = new Map<string, FrameNode>();
  const layoutNodes: LayoutNode[] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    const lines = linesOf(name, state, type, machine);
    const textBox = Math.max(...lines.map(lineWidth)) + 2 * PADDING;
    const inner = nestedMachines(state).map((branch) => frameOf(branch, type));
    if (inner.length === 0) {
      nodes.set(name, { name, state, lines, branches: [], headerHeight: 0 });
      layoutNodes.push({ id: name, width: Math.max(150, textBox), height: lines.length * LINE_HEIGHT + 2 * PADDING });
      continue;
    }
    const headerHeight = PADDING + lines.length * LINE_HEIGHT + BRANCH_HEADER;
    let dx = PADDING;
    const branches = inner.map((frame, index) => {
      const branch = { frame, title: state.Type === 'Map' ? 'each item' : `branch ${index + 1}`, dx, dy: headerHeight };
      dx += Math.max(frame.layout.width, textWidth(branch.title, 11)) + BRANCH_GAP;
      return branch;
    });
    const width = Math.max(textBox, dx - BRANCH_GAP + PADDING);
    const height = headerHeight + Math.max(...inner.map((frame) => frame.layout.height)) + PADDING;
    nodes.set(name, { name, state, lines, branches, headerHeight });
    layoutNodes.push({ id: name, width, height });
  }
  const edges = new Map<string, FrameEdge>();
  const layoutEdges: LayoutEdge[] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    transitionsOf(state).forEach((transition, index) => {
      if (!machine.States[transition.target]) return;
      const id = `${name}#${index}`;
      const hidden = isNotedOnBox(transition, machine, type);
      const lines = transition.label && !hidden ? labelLines(transition.label) : undefined;
      edges.set(id, { transition, from: name, labelLines: lines });
      layoutEdges.push({ id, from: name, to: transition.target, hidden, label: lines ? labelSize(lines) : undefined });
    });
  }
  return { machine, nodes, edges, layout: layoutGraph(layoutNodes, layoutEdges, machine.StartAt) };
}

/** Everything the SVG draws, placed, in the SVG's coordinates: what the layout's test checks. */
export interface DiagramGeometry {
  readonly width: number;
  readonly height: number;
  /** Every state's box; a group's title is its header, a plain box is all title. */
  readonly boxes: ReadonlyArray<{ readonly name: string; readonly rect: Rect; readonly title: Rect; readonly group: boolean; readonly ancestors: readonly string[] }>;
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly points: readonly Point[]; readonly label?: Rect; readonly ancestors: readonly string[] }>;
  /** The diagram's own title and legend. */
  readonly texts: readonly Rect[];
}

const moved = (rect: Rect, dx: number, dy: number): Rect => ({ ...rect, x: rect.x + dx, y: rect.y + dy });
const legend = 'green: records a final status · red: failure · dashed: Catch (red) or timeout (orange) · "on error → X": every other error goes to X';

function geometryOf(frame: Frame, type: TransactionType): DiagramGeometry {
  const boxes: Array<DiagramGeometry['boxes'][number]> = [];
  const edges: Array<DiagramGeometry['edges'][number]> = [];
  const walk = (inner: Frame, dx: number, dy: number, ancestors: readonly string[]) => {
    for (const [name, rect] of inner.layout.boxes) {
      const node = inner.nodes.get(name) as FrameNode;
      const placed = moved(rect, dx, dy);
      const group = node.branches.length > 0;
      boxes.push({ name, rect: placed, title: group ? { ...placed, height: node.headerHeight } : placed, group, ancestors });
      for (const branch of node.branches) walk(branch.frame, placed.x + branch.dx, placed.y + branch.dy, [...ancestors, name]);
    }
    for (const edge of inner.layout.edges) {
      edges.push({
        from: edge.from,
        to: edge.to,
        points: edge.points.map((point) => ({ x: point.x + dx, y: point.y + dy })),
        label: edge.label ? moved(edge.label, dx, dy) : undefined,
        ancestors,
      });
    }
  };
  walk(frame, MARGIN, MARGIN + TITLE_HEIGHT, []);
  const title = `${type.title.en} · ${type.key} v${type.version}`;
  const texts = [
    { x: MARGIN, y: MARGIN - 22, width: textWidth(title, 16, true), height: 18 },
    { x: MARGIN, y: MARGIN, width: textWidth(legend, 11), height: 13 },
  ];
  const width = Math.ceil(Math.max(frame.layout.width, ...texts.map((text) => text.width)) + 2 * MARGIN);
  const height = Math.ceil(frame.layout.height + 2 * MARGIN + TITLE_HEIGHT);
  return { width, height, boxes, edges, texts };
}

/** The geometry of the SVG that {@link toSvg} draws for this workflow. */
export function diagramGeometry(machine: Machine, type: TransactionType): DiagramGeometry {
  return geometryOf(frameOf(machine, type), type);
}

const palette: Record<Tone, { fill: string; stroke: string; width: number }> = {
  plain: { fill: '#ffffff', stroke: '#44546a', width: 1.2 },
  final: { fill: '#d9f2df', stroke: '#1e7b34', width: 3 },
  failure: { fill: '#fbe0e0', stroke: '#b42318', width: 2 },
  success: { fill: '#d9f2df', stroke: '#1e7b34', width: 1.5 },
};

const edgeStyle: Record<Transition['kind'], { stroke: string; dash: string }> = {
  next: { stroke: '#44546a', dash: '' },
  choice: { stroke: '#1f5fa8', dash: '' },
  default: { stroke: '#1f5fa8', dash: '' },
  catch: { stroke: '#b42318', dash: '5 4' },
  timeout: { stroke: '#b26b00', dash: '5 4' },
};

function drawFrame(frame: Frame, dx: number, dy: number, type: TransactionType, out: string[], labels: string[]): void {
  for (const [name, rect] of frame.layout.boxes) {
    const node = frame.nodes.get(name) as FrameNode;
    const { x, y, width, height } = moved(rect, dx, dy);
    const tone = toneOf(node.state, type);
    const colours = palette[tone];
    const group = node.branches.length > 0;
    const radius = node.state.Type === 'Succeed' || node.state.Type === 'Fail' ? 18 : node.state.Type === 'Choice' ? 2 : 6;
    out.push(`<g class="state ${tone}" data-state="${escapeXml(name)}">`, `<title>${escapeXml(node.lines.map((line) => line.text).join(' — '))}</title>`);
    out.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" rx="${radius}" fill="${group ? '#f5f7fa' : colours.fill}" stroke="${colours.stroke}" stroke-width="${colours.width}"/>`,
    );
    node.lines.forEach((line, index) => {
      const textX = group ? x + PADDING : x + width / 2;
      out.push(
        `<text x="${textX.toFixed(1)}" y="${(y + PADDING + LINE_HEIGHT * (index + 0.75)).toFixed(1)}" text-anchor="${group ? 'start' : 'middle'}" class="${line.kind}">${escapeXml(line.text)}</text>`,
      );
    });
    for (const branch of node.branches) {
      out.push(`<text x="${(x + branch.dx).toFixed(1)}" y="${(y + branch.dy - 5).toFixed(1)}" class="branch">${branch.title}</text>`);
    }
    out.push('</g>');
    for (const branch of node.branches) drawFrame(branch.frame, x + branch.dx, y + branch.dy, type, out, labels);
  }
  for (const routed of frame.layout.edges) {
    const edge = frame.edges.get(routed.id) as FrameEdge;
    const { transition } = edge;
    const style = edgeStyle[transition.kind];
    const path = routed.path.replace(/-?\d+(\.\d+)?,-?\d+(\.\d+)?/g, (pair) => {
      const [px, py] = pair.split(',').map(Number) as [number, number];
      return `${(px + dx).toFixed(1)},${(py + dy).toFixed(1)}`;
    });
    out.push(
      `<path d="${path}" fill="none" stroke="${style.stroke}" stroke-width="1.3"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${transition.kind})"><title>${escapeXml(`${edge.from} → ${transition.target}${transition.label ? ` (${transition.label})` : ''}`)}</title></path>`,
    );
    if (routed.label && edge.labelLines) {
      const label = moved(routed.label, dx, dy);
      const centre = label.x + label.width / 2;
      labels.push(
        `<g class="edge-label"><rect x="${label.x.toFixed(1)}" y="${label.y.toFixed(1)}" width="${label.width.toFixed(1)}" height="${label.height.toFixed(1)}" rx="3" fill="#ffffff" stroke="${style.stroke}" stroke-width="0.5"/>${edge.labelLines
          .map((line, index) => `<text x="${centre.toFixed(1)}" y="${(label.y + 2 + LABEL_LINE_HEIGHT * (index + 0.8)).toFixed(1)}" text-anchor="middle" fill="${style.stroke}">${escapeXml(line)}</text>`)
          .join('')}</g>`,
      );
    }
  }
}

/** The workflow as a standalone SVG: layered top-down by {@link layoutGraph}, Parallel and Map states as groups with their branches inside. */
export function toSvg(machine: Machine, type: TransactionType): string {
  const frame = frameOf(machine, type);
  const { width, height } = geometryOf(frame, type);
  const markers = (Object.keys(edgeStyle) as Array<Transition['kind']>).map(
    (kind) =>
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${edgeStyle[kind].stroke}"/></marker>`,
  );
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`${type.title.en} (${type.key} v${type.version})`)}</title>`,
    `<defs>${markers.join('')}</defs>`,
    '<style>.name{font-weight:bold;fill:#1c2733}.detail{fill:#44546a;font-size:11px}.note{fill:#5b4a8a;font-size:10.5px}.on-error{fill:#b42318;font-size:10px}.branch{fill:#44546a;font-style:italic;font-size:11px}.edge-label text{font-size:10px}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN - 8}" font-size="16" font-weight="bold" fill="#1c2733">${escapeXml(`${type.title.en} · ${type.key} v${type.version}`)}</text>`,
    `<text x="${MARGIN}" y="${MARGIN + 10}" font-size="11" fill="#44546a">${escapeXml(legend)}</text>`,
  ];
  const labels: string[] = [];
  drawFrame(frame, MARGIN, MARGIN + TITLE_HEIGHT, type, out, labels);
  out.push(...labels, '</svg>');
  return `${out.join('\n')}\n`;
}

export interface DiagramFiles {
  readonly svg: string;
  readonly mermaid: string;
}

/** Reads `<directory>/<key>/` through the loaders (the workflow as it runs) and writes `<out>.svg` and `<out>.mmd` (default `diagrams/<key>`); returns both paths. */
export function writeDiagram(key: string, options: { directory?: string; out?: string } = {}): DiagramFiles {
  const directory = options.directory ?? workflowsDirectory;
  const type = readTransactionType(directory, key);
  const machine = loadMachine(directory, key);
  const base = (options.out ?? join('diagrams', key)).replace(/\.(svg|mmd)$/, '');
  const files = { svg: `${base}.svg`, mermaid: `${base}.mmd` };
  mkdirSync(dirname(files.svg), { recursive: true });
  writeFileSync(files.svg, toSvg(machine, type));
  writeFileSync(files.mermaid, toMermaid(machine, type));
  return files;
}
