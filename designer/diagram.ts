import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TransactionType } from '../functions/domain/transaction-type';
import { loadWorkflowDefinition, workflowsDirectory } from '../workflows/definitions';
import { readTransactionType } from '../workflows/type-loader';
import {
  describeState,
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

function linesOf(name: string, state: State): string[] {
  const description = describeState(state);
  return [name, `${state.Type}${description ? ` · ${description}` : ''}`];
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
        const [title, detail] = linesOf(name, state).map(mermaidText);
        lines.push(`${indent}subgraph ${id}["<b>${title}</b><br/>${detail}"]`, `${indent}  direction TB`);
        nested.forEach((branch, index) => {
          const branchId = `${id}_b${index}`;
          const label = state.Type === 'Map' ? 'each item' : `branch ${index + 1}`;
          lines.push(`${indent}  subgraph ${branchId}["${label}"]`);
          emit(branch, `${indent}    `);
          lines.push(`${indent}  end`);
        });
        lines.push(`${indent}end`);
      } else {
        const [title, detail] = linesOf(name, state).map(mermaidText);
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

const CHAR_WIDTH = 6.6;
const LINE_HEIGHT = 16;
const PADDING = 10;
const LAYER_GAP = 56;
const NODE_GAP = 36;
const GROUP_HEADER = 24;

interface Box {
  width: number;
  height: number;
}

interface PlacedNode {
  readonly name: string;
  readonly state: State;
  readonly layer: number;
  x: number;
  y: number;
  readonly box: Box;
  /** The laid-out branches of a Parallel or Map, drawn inside the node's box. */
  readonly inner?: Layout[];
}

interface Layout {
  readonly machine: Machine;
  readonly nodes: Map<string, PlacedNode>;
  readonly width: number;
  readonly height: number;
}

/**
 * Longest-path layering from StartAt, ignoring edges that close a cycle; states not reachable
 * from StartAt are layered from themselves. Within a layer, states keep discovery order, then
 * one barycenter pass over their predecessors reduces crossings.
 */
function layersOf(machine: Machine): Map<string, number> {
  const names = Object.keys(machine.States);
  const forward = new Map<string, string[]>(names.map((name) => [name, []]));
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string) => {
    onStack.add(name);
    for (const { target } of transitionsOf(machine.States[name] as State)) {
      if (!machine.States[target] || onStack.has(target)) continue; // a back edge
      forward.get(name)?.push(target);
      if (!done.has(target)) visit(target);
    }
    onStack.delete(name);
    done.add(name);
  };
  for (const root of [machine.StartAt, ...names]) if (machine.States[root] && !done.has(root)) visit(root);
  const layer = new Map<string, number>();
  const order: string[] = [];
  const seen = new Set<string>();
  const topo = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const target of forward.get(name) ?? []) topo(target);
    order.unshift(name);
  };
  for (const root of [machine.StartAt, ...names]) if (machine.States[root]) topo(root);
  for (const name of order) {
    const here = layer.get(name) ?? 0;
    layer.set(name, here);
    for (const target of forward.get(name) ?? []) layer.set(target, Math.max(layer.get(target) ?? 0, here + 1));
  }
  return layer;
}

function layout(machine: Machine, type: TransactionType): Layout {
  const layers = layersOf(machine);
  const nodes = new Map<string, PlacedNode>();
  for (const [name, state] of Object.entries(machine.States)) {
    const text = linesOf(name, state);
    const textWidth = Math.max(...text.map((line) => line.length)) * CHAR_WIDTH + 2 * PADDING;
    const branches = nestedMachines(state);
    if (branches.length > 0) {
      const inner = branches.map((branch) => layout(branch, type));
      const width = Math.max(textWidth, inner.reduce((sum, branch) => sum + branch.width, 0) + NODE_GAP * (inner.length - 1) + 2 * PADDING);
      const height = GROUP_HEADER + text.length * LINE_HEIGHT + Math.max(...inner.map((branch) => branch.height)) + 2 * PADDING;
      nodes.set(name, { name, state, layer: layers.get(name) ?? 0, x: 0, y: 0, box: { width, height }, inner });
    } else {
      const box = { width: Math.max(140, textWidth), height: text.length * LINE_HEIGHT + 2 * PADDING };
      nodes.set(name, { name, state, layer: layers.get(name) ?? 0, x: 0, y: 0, box });
    }
  }
  const byLayer: PlacedNode[][] = [];
  for (const node of nodes.values()) (byLayer[node.layer] ??= []).push(node);
  const rows = byLayer.filter((row) => row !== undefined);

  const placeRow = (row: PlacedNode[]) => {
    let x = 0;
    for (const node of row) {
      node.x = x;
      x += node.box.width + NODE_GAP;
    }
  };
  rows.forEach(placeRow);
  const predecessors = (node: PlacedNode) =>
    [...nodes.values()].filter((other) => other.layer < node.layer && transitionsOf(other.state).some((t) => t.target === node.name));
  for (const row of rows.slice(1)) {
    const centre = (node: PlacedNode) => {
      const from = predecessors(node);
      return from.length === 0 ? node.x : from.reduce((sum, other) => sum + other.x + other.box.width / 2, 0) / from.length;
    };
    const centres = new Map(row.map((node) => [node, centre(node)]));
    row.sort((a, b) => (centres.get(a) as number) - (centres.get(b) as number));
    placeRow(row);
  }
  const rowWidth = (row: PlacedNode[]) => row.reduce((sum, node) => sum + node.box.width, 0) + NODE_GAP * (row.length - 1);
  const width = Math.max(...rows.map(rowWidth));
  let y = 0;
  for (const row of rows) {
    const offset = (width - rowWidth(row)) / 2;
    const height = Math.max(...row.map((node) => node.box.height));
    for (const node of row) {
      node.x += offset;
      node.y = y + (height - node.box.height) / 2;
    }
    y += height + LAYER_GAP;
  }
  return { machine, nodes, width, height: y - LAYER_GAP };
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

function drawLayout(frame: Layout, offsetX: number, offsetY: number, type: TransactionType, out: string[]): void {
  const labels: string[] = [];
  for (const node of frame.nodes.values()) {
    const x = offsetX + node.x;
    const y = offsetY + node.y;
    const tone = toneOf(node.state, type);
    const colours = palette[tone];
    const radius = node.state.Type === 'Succeed' || node.state.Type === 'Fail' ? 18 : node.state.Type === 'Choice' ? 2 : 6;
    const text = linesOf(node.name, node.state);
    const group = node.inner !== undefined;
    out.push(`<g class="state ${tone}" data-state="${escapeXml(node.name)}">`, `<title>${escapeXml(text.join(' — '))}</title>`);
    out.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${node.box.width.toFixed(1)}" height="${node.box.height.toFixed(1)}" rx="${radius}" fill="${group ? '#f5f7fa' : colours.fill}" stroke="${colours.stroke}" stroke-width="${colours.width}"${node.state.Type === 'Choice' ? ' stroke-dasharray="2 0"' : ''}/>`,
    );
    text.forEach((line, index) => {
      const cx = group ? x + PADDING : x + node.box.width / 2;
      const anchor = group ? 'start' : 'middle';
      out.push(
        `<text x="${cx.toFixed(1)}" y="${(y + PADDING + LINE_HEIGHT * (index + 0.75)).toFixed(1)}" text-anchor="${anchor}" class="${index === 0 ? 'name' : 'detail'}">${escapeXml(line)}</text>`,
      );
    });
    out.push('</g>');
    if (node.inner) {
      let innerX = x + PADDING;
      const innerY = y + PADDING + text.length * LINE_HEIGHT + GROUP_HEADER - 8;
      node.inner.forEach((branch, index) => {
        const label = node.state.Type === 'Map' ? 'each item' : `branch ${index + 1}`;
        out.push(`<text x="${innerX.toFixed(1)}" y="${(innerY - 4).toFixed(1)}" class="branch">${label}</text>`);
        drawLayout(branch, innerX, innerY + 6, type, out);
        innerX += branch.width + NODE_GAP;
      });
    }
    for (const transition of transitionsOf(node.state)) {
      const target = frame.nodes.get(transition.target);
      if (!target) continue;
      const style = edgeStyle[transition.kind];
      // Catch-alls into the failure path are on nearly every Task: a note on the box, not a line across the picture.
      if (transition.kind === 'catch' && transition.label === 'States.ALL' && toneOf(target.state, type) === 'failure') {
        labels.push(
          `<text x="${(x + node.box.width).toFixed(1)}" y="${(y + node.box.height + 11).toFixed(1)}" text-anchor="end" class="on-error" fill="${style.stroke}"><title>${escapeXml(`${node.name} → ${transition.target} (States.ALL)`)}</title>on error → ${escapeXml(transition.target)}</text>`,
        );
        continue;
      }
      const x1 = x + node.box.width / 2;
      const y1 = y + node.box.height;
      const x2 = offsetX + target.x + target.box.width / 2;
      const y2 = offsetY + target.y;
      let path: string;
      let labelX: number;
      let labelY: number;
      if (target.layer > node.layer) {
        const bend = (y1 + y2) / 2;
        path = `M${x1.toFixed(1)},${y1.toFixed(1)} C${x1.toFixed(1)},${bend.toFixed(1)} ${x2.toFixed(1)},${bend.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
        labelX = (x1 + x2) / 2;
        labelY = bend;
      } else {
        // A back edge or one within a layer: around the right-hand side.
        const side = Math.max(x + node.box.width, offsetX + target.x + target.box.width) + 30;
        const fromY = y + node.box.height / 2;
        const toY = offsetY + target.y + target.box.height / 2;
        path = `M${(x + node.box.width).toFixed(1)},${fromY.toFixed(1)} C${side.toFixed(1)},${fromY.toFixed(1)} ${side.toFixed(1)},${toY.toFixed(1)} ${(offsetX + target.x + target.box.width).toFixed(1)},${toY.toFixed(1)}`;
        labelX = side;
        labelY = (fromY + toY) / 2;
      }
      out.push(
        `<path d="${path}" fill="none" stroke="${style.stroke}" stroke-width="1.3"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${transition.kind})"><title>${escapeXml(`${node.name} → ${transition.target}${transition.label ? ` (${transition.label})` : ''}`)}</title></path>`,
      );
      if (transition.label) {
        const width = transition.label.length * 5.8 + 8;
        labels.push(
          `<g class="edge-label"><rect x="${(labelX - width / 2).toFixed(1)}" y="${(labelY - 8).toFixed(1)}" width="${width.toFixed(1)}" height="15" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="${labelX.toFixed(1)}" y="${(labelY + 3).toFixed(1)}" text-anchor="middle" fill="${style.stroke}">${escapeXml(transition.label)}</text></g>`,
        );
      }
    }
  }
  out.push(...labels);
}

/** The workflow as a standalone SVG, laid out here: layered top-down, Parallel and Map states as nested groups. */
export function toSvg(machine: Machine, type: TransactionType): string {
  const frame = layout(machine, type);
  const margin = 40;
  const titleHeight = 44;
  const width = Math.ceil(frame.width + 2 * margin + 60);
  const height = Math.ceil(frame.height + 2 * margin + titleHeight);
  const markers = (Object.keys(edgeStyle) as Array<Transition['kind']>).map(
    (kind) =>
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${edgeStyle[kind].stroke}"/></marker>`,
  );
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(`${type.title.en} (${type.key} v${type.version})`)}</title>`,
    `<defs>${markers.join('')}</defs>`,
    '<style>.name{font-weight:bold;fill:#1c2733}.detail{fill:#44546a;font-size:11px}.branch{fill:#44546a;font-style:italic;font-size:11px}.edge-label text{font-size:10px}.on-error{font-size:9px}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin}" y="${margin - 8}" font-size="16" font-weight="bold" fill="#1c2733">${escapeXml(`${type.title.en} · ${type.key} v${type.version}`)}</text>`,
    `<text x="${margin}" y="${margin + 10}" font-size="11" fill="#44546a">green: records a final status · red: failure · dashed: Catch (red) or timeout (orange) · "on error → X": every other error goes to X</text>`,
  ];
  drawLayout(frame, margin, margin + titleHeight, type, out);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export interface DiagramFiles {
  readonly svg: string;
  readonly mermaid: string;
}

/** Reads `<directory>/<key>/` and writes `<out>.svg` and `<out>.mmd` (default `diagrams/<key>`); returns both paths. */
export function writeDiagram(key: string, options: { directory?: string; out?: string } = {}): DiagramFiles {
  const directory = options.directory ?? workflowsDirectory;
  const type = readTransactionType(directory, key);
  const machine = JSON.parse(loadWorkflowDefinition(key, directory)) as Machine;
  const base = (options.out ?? join('diagrams', key)).replace(/\.(svg|mmd)$/, '');
  const files = { svg: `${base}.svg`, mermaid: `${base}.mmd` };
  mkdirSync(dirname(files.svg), { recursive: true });
  writeFileSync(files.svg, toSvg(machine, type));
  writeFileSync(files.mermaid, toMermaid(machine, type));
  return files;
}
