/**
 * A layered ("Sugiyama") layout of a directed graph with edge labels, made so that what it
 * draws can be trusted: boxes sit in node rows, and every edge label and every bend of a long
 * edge is an item of its own in the rows between them. Within a row an edge runs straight down
 * its own item's column, and between rows it crosses a gap that holds no box and no label, so
 * no edge crosses a box or a label and no two labels or boxes overlap, whatever the graph.
 * Edges that close a cycle are laid out reversed and drawn back up; a self-loop is drawn beside
 * its box, in room the box's item keeps for it.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface LayoutNode extends Size {
  readonly id: string;
}

export interface LayoutEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label?: Size;
  /** Ranks its target below its source but is not drawn (e.g. a catch-all noted on the box instead). */
  readonly hidden?: boolean;
}

export interface RoutedEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** From the source's border to the target's, curves flattened: what the test of the layout checks. */
  readonly points: readonly Point[];
  /** The same route as SVG path data, with its curves. */
  readonly path: string;
  readonly label?: Rect;
}

export interface GraphLayout {
  readonly boxes: ReadonlyMap<string, Rect>;
  readonly edges: readonly RoutedEdge[];
  readonly width: number;
  readonly height: number;
}

const ROW_GAP = 22;
const BOX_SEPARATION = 28;
const THIN_SEPARATION = 12;
const LOOP_REACH = 14;
const CURVE_STEPS = 12;

interface Item {
  readonly kind: 'node' | 'dummy' | 'label';
  readonly id: string;
  readonly rank: number;
  readonly width: number;
  readonly height: number;
  /** The box's own width; less than `width` when a self-loop takes room beside it. */
  readonly boxWidth: number;
  readonly up: Item[];
  readonly down: Item[];
  x: number;
  order: number;
}

interface Chain {
  readonly edge: LayoutEdge;
  /** From the upper end to the lower, one item per row. */
  readonly items: Item[];
  /** Drawn from the last item to the first (an edge that closes a cycle). */
  readonly reversed: boolean;
}

/** Ranks: 0, 2, 4, … for nodes (the odd rows between hold labels and bends), longest path from the roots; returns the reversed edges too. */
function rank(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], start: string | undefined): { ranks: Map<string, number>; reversed: Set<LayoutEdge> } {
  const outgoing = new Map<string, LayoutEdge[]>(nodes.map((node) => [node.id, []]));
  for (const edge of edges) if (edge.from !== edge.to && outgoing.has(edge.to)) outgoing.get(edge.from)?.push(edge);
  const reversed = new Set<LayoutEdge>();
  const state = new Map<string, 'open' | 'done'>();
  const postOrder: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const edge of outgoing.get(id) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'open') reversed.add(edge);
      else if (seen === undefined) visit(edge.to);
    }
    state.set(id, 'done');
    postOrder.push(id);
  };
  const roots = [...(start !== undefined && outgoing.has(start) ? [start] : []), ...nodes.map((node) => node.id)];
  for (const id of roots) if (!state.has(id)) visit(id);
  const ranks = new Map<string, number>(nodes.map((node) => [node.id, 0]));
  const dagOut = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const [id, list] of outgoing) {
    for (const edge of list) {
      if (reversed.has(edge)) dagOut.get(edge.to)?.push(id);
      else dagOut.get(id)?.push(edge.to);
    }
  }
  for (const id of postOrder.reverse()) {
    for (const target of dagOut.get(id) ?? []) ranks.set(target, Math.max(ranks.get(target) ?? 0, (ranks.get(id) ?? 0) + 2));
  }
  return { ranks, reversed };
}

function crossingsBetween(upper: readonly Item[]): number {
  const links: Array<[number, number]> = [];
  for (const item of upper) for (const below of item.down) links.push([item.order, below.order]);
  let crossings = 0;
  for (let i = 0; i < links.length; i++) {
    for (let j = i + 1; j < links.length; j++) {
      const [a1, b1] = links[i] as [number, number];
      const [a2, b2] = links[j] as [number, number];
      if ((a1 - a2) * (b1 - b2) < 0) crossings++;
    }
  }
  return crossings;
}

/** Orders each row by the barycentre of its neighbours, sweeping down and up, and keeps the order with the fewest crossings. */
function order(rows: Item[][]): void {
  const count = () => rows.slice(0, -1).reduce((sum, row) => sum + crossingsBetween(row), 0);
  const renumber = (row: Item[]) => row.forEach((item, index) => (item.order = index));
  rows.forEach(renumber);
  let best = count();
  let bestOrders = rows.map((row) => [...row]);
  for (let sweep = 0; sweep < 8 && best > 0; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? rows.slice(1) : rows.slice(0, -1).reverse();
    for (const row of sequence) {
      const centre = new Map(
        row.map((item) => {
          const neighbours = down ? item.up : item.down;
          return [item, neighbours.length === 0 ? item.order : neighbours.reduce((sum, other) => sum + other.order, 0) / neighbours.length];
        }),
      );
      row.sort((a, b) => (centre.get(a) as number) - (centre.get(b) as number) || a.order - b.order);
      renumber(row);
    }
    const crossings = count();
    if (crossings < best) {
      best = crossings;
      bestOrders = rows.map((row) => [...row]);
    }
  }
  rows.forEach((row, index) => {
    row.splice(0, row.length, ...(bestOrders[index] as Item[]));
    renumber(row);
  });
}

const separation = (a: Item, b: Item) => (a.width + b.width) / 2 + (a.kind === 'node' || b.kind === 'node' ? BOX_SEPARATION : THIN_SEPARATION);

/**
 * Places one row's items as near their wished-for centres as their order and separations
 * allow: least squares under order constraints, solved by pooling adjacent violators.
 */
function placeRow(row: Item[], wished: readonly number[], weights: readonly number[]): void {
  const offsets: number[] = [];
  row.forEach((item, index) => offsets.push(index === 0 ? 0 : (offsets[index - 1] as number) + separation(row[index - 1] as Item, item)));
  const blocks: Array<{ total: number; weight: number; count: number }> = [];
  row.forEach((_, index) => {
    const weight = weights[index] as number;
    blocks.push({ total: ((wished[index] as number) - (offsets[index] as number)) * weight, weight, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1] as (typeof blocks)[number];
      const previous = blocks[blocks.length - 2] as (typeof blocks)[number];
      if (previous.total / previous.weight <= last.total / last.weight) break;
      blocks.pop();
      previous.total += last.total;
      previous.weight += last.weight;
      previous.count += last.count;
    }
  });
  let index = 0;
  for (const block of blocks) {
    for (let i = 0; i < block.count; i++, index++) (row[index] as Item).x = block.total / block.weight + (offsets[index] as number);
  }
}

function assignX(rows: Item[][]): void {
  for (const row of rows) placeRow(row, row.map(() => 0), row.map(() => 1));
  const centreOf = (items: readonly Item[]) => items.reduce((sum, other) => sum + other.x, 0) / items.length;
  for (let round = 0; round < 10; round++) {
    const down = round % 2 === 0;
    const sequence = down ? rows.slice(1) : rows.slice(0, -1).reverse();
    for (const row of sequence) {
      const wished = row.map((item) => {
        const neighbours = round >= 8 ? [...item.up, ...item.down] : down ? item.up : item.down;
        return neighbours.length === 0 ? item.x : centreOf(neighbours);
      });
      // Bends weigh more, so long edges run straight.
      placeRow(row, wished, row.map((item) => (item.kind === 'node' ? 1 : 2)));
    }
  }
}

/**
 * Straightens long edges: moves all the bends of an edge to one x where every row they are in
 * leaves room for it (the order and the separations stay), choosing the x that moves them least.
 */
function straighten(rows: Item[][], chains: readonly Chain[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const chain of chains) {
      const bends = chain.items.slice(1, -1);
      if (bends.length < 2) continue;
      const fits = (x: number) =>
        bends.every((item) => {
          const row = rows[item.rank] as Item[];
          const left = row[item.order - 1];
          const right = row[item.order + 1];
          return (!left || left.x + separation(left, item) <= x + 1e-6) && (!right || x + separation(item, right) <= right.x + 1e-6);
        });
      const cost = (x: number) => bends.reduce((sum, item) => sum + Math.abs(item.x - x), 0);
      const candidates = [...bends.map((item) => item.x), ...[chain.items[0], chain.items.at(-1)].map((item) => (item as Item).x)].filter(fits);
      const best = candidates.sort((a, b) => cost(a) - cost(b))[0];
      if (best !== undefined) for (const item of bends) item.x = best;
    }
  }
}

function cubicPoints(from: Point, to: Point): Point[] {
  const middle = (from.y + to.y) / 2;
  const points: Point[] = [];
  for (let step = 1; step <= CURVE_STEPS; step++) {
    const t = step / CURVE_STEPS;
    const u = 1 - t;
    points.push({
      x: u * u * u * from.x + 3 * u * u * t * from.x + 3 * u * t * t * to.x + t * t * t * to.x,
      y: u * u * u * from.y + 3 * u * u * t * middle + 3 * u * t * t * middle + t * t * t * to.y,
    });
  }
  return points;
}

const fixed = (value: number) => value.toFixed(1);

/** A route of vertical runs and of curves across gaps, drawn forwards or backwards as flattened points and as SVG path data. */
class Route {
  private readonly moves: Array<{ readonly kind: 'L' | 'C'; readonly from: Point; readonly to: Point }> = [];

  constructor(private readonly start: Point) {}

  private get end(): Point {
    return this.moves.at(-1)?.to ?? this.start;
  }

  lineTo(to: Point): void {
    const from = this.end;
    if (to.x !== from.x || to.y !== from.y) this.moves.push({ kind: 'L', from, to });
  }

  curveTo(to: Point): void {
    const from = this.end;
    if (Math.abs(to.x - from.x) < 0.05) this.lineTo(to);
    else this.moves.push({ kind: 'C', from, to });
  }

  drawn(backwards: boolean): { points: Point[]; path: string } {
    const moves = backwards ? this.moves.map((move) => ({ kind: move.kind, from: move.to, to: move.from })).reverse() : this.moves;
    const start = moves[0]?.from ?? this.start;
    const points: Point[] = [start];
    const parts = [`M${fixed(start.x)},${fixed(start.y)}`];
    for (const { kind, from, to } of moves) {
      if (kind === 'L') {
        parts.push(`L${fixed(to.x)},${fixed(to.y)}`);
        points.push(to);
      } else {
        const middle = (from.y + to.y) / 2;
        parts.push(`C${fixed(from.x)},${fixed(middle)} ${fixed(to.x)},${fixed(middle)} ${fixed(to.x)},${fixed(to.y)}`);
        points.push(...cubicPoints(from, to));
      }
    }
    return { points, path: parts.join(' ') };
  }
}

/** Lays out the graph top-down from `start`; see the module's comment for what it guarantees. */
export function layoutGraph(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], start?: string): GraphLayout {
  const known = new Set(nodes.map((node) => node.id));
  const usable = edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  const { ranks, reversed } = rank(nodes, usable, start);
  const selfLoops = new Map<string, LayoutEdge[]>();
  for (const edge of usable) if (edge.from === edge.to && !edge.hidden) selfLoops.set(edge.from, [...(selfLoops.get(edge.from) ?? []), edge]);
  const loopRoom = (id: string) => {
    const loops = selfLoops.get(id) ?? [];
    return loops.length === 0 ? 0 : loops.length * LOOP_REACH + 4 + loops.reduce((sum, edge) => sum + (edge.label ? edge.label.width + 4 : 0), 0);
  };

  const items = new Map<string, Item>();
  const rows: Item[][] = [];
  const add = (item: Item) => {
    (rows[item.rank] ??= []).push(item);
    return item;
  };
  for (const node of nodes) {
    const height = Math.max(node.height, ...(selfLoops.get(node.id) ?? []).map((edge) => edge.label?.height ?? 0));
    const item = add({ kind: 'node', id: node.id, rank: ranks.get(node.id) ?? 0, width: node.width + loopRoom(node.id), boxWidth: node.width, height, up: [], down: [], x: 0, order: 0 });
    items.set(node.id, item);
  }
  const chains: Chain[] = [];
  for (const edge of usable) {
    if (edge.hidden || edge.from === edge.to) continue;
    const isReversed = reversed.has(edge);
    const upper = items.get(isReversed ? edge.to : edge.from) as Item;
    const lower = items.get(isReversed ? edge.from : edge.to) as Item;
    const labelRank = isReversed ? lower.rank - 1 : upper.rank + 1;
    const chain: Item[] = [upper];
    for (let r = upper.rank + 1; r < lower.rank; r++) {
      const isLabel = edge.label !== undefined && r === labelRank;
      const size = isLabel ? (edge.label as Size) : { width: 0, height: 0 };
      chain.push(add({ kind: isLabel ? 'label' : 'dummy', id: `${edge.id}@${r}`, rank: r, width: size.width, boxWidth: size.width, height: size.height, up: [], down: [], x: 0, order: 0 }));
    }
    chain.push(lower);
    for (let i = 0; i + 1 < chain.length; i++) {
      (chain[i] as Item).down.push(chain[i + 1] as Item);
      (chain[i + 1] as Item).up.push(chain[i] as Item);
    }
    chains.push({ edge, items: chain, reversed: isReversed });
  }
  const allRows = Array.from({ length: rows.length }, (_, r) => rows[r] ?? []);
  order(allRows);
  assignX(allRows);
  straighten(allRows, chains);

  const left = Math.min(0, ...allRows.flat().map((item) => item.x - item.width / 2));
  for (const item of allRows.flat()) item.x -= left;
  const rowTop: number[] = [];
  const rowHeight = allRows.map((row) => Math.max(0, ...row.map((item) => item.height)));
  allRows.forEach((_, r) => rowTop.push(r === 0 ? 0 : (rowTop[r - 1] as number) + (rowHeight[r - 1] as number) + ROW_GAP));
  const top = (r: number) => rowTop[r] as number;
  const bottom = (r: number) => top(r) + (rowHeight[r] as number);
  const itemRect = (item: Item, width = item.width): Rect => ({
    x: item.x - item.width / 2,
    y: top(item.rank) + ((rowHeight[item.rank] as number) - item.height) / 2,
    width,
    height: item.height,
  });

  const boxes = new Map<string, Rect>();
  for (const node of nodes) {
    const item = items.get(node.id) as Item;
    const rect = itemRect(item, item.boxWidth);
    boxes.set(node.id, { ...rect, y: top(item.rank) + ((rowHeight[item.rank] as number) - node.height) / 2, height: node.height });
  }

  // Ports: the edges leaving a box share its bottom and those arriving its top, in the order of where they go.
  const ports = new Map<string, number>();
  const spread = (id: string, chainsHere: Chain[], neighbour: (chain: Chain) => Item, side: 'out' | 'in') => {
    const box = boxes.get(id) as Rect;
    chainsHere
      .sort((a, b) => neighbour(a).x - neighbour(b).x)
      .forEach((chain, index) => ports.set(`${side}:${chain.edge.id}`, box.x + (box.width * (index + 1)) / (chainsHere.length + 1)));
  };
  for (const node of nodes) {
    spread(node.id, chains.filter((chain) => chain.items[0]?.id === node.id), (chain) => chain.items[1] as Item, 'out');
    spread(node.id, chains.filter((chain) => chain.items.at(-1)?.id === node.id), (chain) => chain.items.at(-2) as Item, 'in');
  }

  const routed: RoutedEdge[] = [];
  for (const chain of chains) {
    const first = chain.items[0] as Item;
    const last = chain.items.at(-1) as Item;
    const fromBox = boxes.get(first.id) as Rect;
    const toBox = boxes.get(last.id) as Rect;
    const outX = ports.get(`out:${chain.edge.id}`) as number;
    const inX = ports.get(`in:${chain.edge.id}`) as number;
    const route = new Route({ x: outX, y: fromBox.y + fromBox.height });
    route.lineTo({ x: outX, y: bottom(first.rank) });
    let label: Rect | undefined;
    for (const item of chain.items.slice(1, -1)) {
      route.curveTo({ x: item.x, y: top(item.rank) });
      route.lineTo({ x: item.x, y: bottom(item.rank) });
      if (item.kind === 'label') label = itemRect(item);
    }
    route.curveTo({ x: inX, y: top(last.rank) });
    route.lineTo({ x: inX, y: toBox.y });
    routed.push({ id: chain.edge.id, from: chain.edge.from, to: chain.edge.to, ...route.drawn(chain.reversed), label });
  }
  for (const [id, loops] of selfLoops) {
    const box = boxes.get(id) as Rect;
    const right = box.x + box.width;
    let labelX = right + LOOP_REACH * loops.length + 4;
    loops.forEach((edge, index) => {
      const reach = right + LOOP_REACH * (index + 1);
      const route = new Route({ x: right, y: box.y + box.height * (0.3 - 0.2 * (index / loops.length)) });
      route.lineTo({ x: reach, y: box.y + box.height * (0.3 - 0.2 * (index / loops.length)) });
      route.lineTo({ x: reach, y: box.y + box.height * (0.7 + 0.2 * (index / loops.length)) });
      route.lineTo({ x: right, y: box.y + box.height * (0.7 + 0.2 * (index / loops.length)) });
      const size = edge.label;
      const label = size ? { x: labelX, y: box.y + box.height / 2 - size.height / 2, width: size.width, height: size.height } : undefined;
      if (size) labelX += size.width + 4;
      routed.push({ id: edge.id, from: id, to: id, ...route.drawn(false), label });
    });
  }
  const width = Math.max(0, ...allRows.flat().map((item) => item.x + item.width / 2));
  const height = allRows.length === 0 ? 0 : bottom(allRows.length - 1);
  return { boxes, edges: routed, width, height };
}
