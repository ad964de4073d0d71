/**
 * A workflow drawn from its JSON: a box per node at its n8n position (or, when the file has no
 * distinct positions, in columns by distance from the triggers) and an arrow per connection.
 * The same connections are listed as text for screen readers and keyboard users.
 */
import type { WorkflowDetail, WorkflowNode } from '../types.js';

const BOX_W = 170;
const BOX_H = 52;
const GAP_X = 80;
const GAP_Y = 36;
const PAD = 20;

export interface Edge {
  from: string;
  to: string;
  output: number;
}

export function edgesOf(definition: WorkflowDetail['definition']): Edge[] {
  const edges: Edge[] = [];
  for (const [from, byType] of Object.entries(definition.connections ?? {}))
    for (const outputs of Object.values(byType ?? {}))
      (outputs ?? []).forEach((targets, output) => {
        for (const target of targets ?? []) edges.push({ from, to: target.node, output });
      });
  return edges;
}

/** Top-left corner of each node's box, in SVG units. */
export function layout(nodes: WorkflowNode[], edges: Edge[]): Map<string, { x: number; y: number }> {
  const positions = nodes.map((n) => n.position ?? [0, 0]);
  const distinct = new Set(positions.map((p) => `${p[0]},${p[1]}`)).size === nodes.length;
  const placed = new Map<string, { x: number; y: number }>();
  if (distinct) {
    const minX = Math.min(...positions.map((p) => p[0]));
    const minY = Math.min(...positions.map((p) => p[1]));
    // n8n spaces nodes about 220 apart; scale so boxes of this size do not overlap.
    const scale = Math.max(1, (BOX_W + GAP_X) / 220);
    nodes.forEach((n, i) =>
      placed.set(n.name, { x: PAD + (positions[i][0] - minX) * scale, y: PAD + (positions[i][1] - minY) * scale }),
    );
    return placed;
  }
  const depth = new Map<string, number>();
  const targets = new Set(edges.map((e) => e.to));
  const queue = nodes.filter((n) => !targets.has(n.name)).map((n) => n.name);
  for (const name of queue) depth.set(name, 0);
  for (let i = 0; i < queue.length && i < nodes.length * nodes.length; i++) {
    for (const edge of edges.filter((e) => e.from === queue[i])) {
      if (depth.has(edge.to)) continue;
      depth.set(edge.to, depth.get(queue[i])! + 1);
      queue.push(edge.to);
    }
  }
  const rows = new Map<number, number>();
  for (const n of nodes) {
    const column = depth.get(n.name) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    placed.set(n.name, { x: PAD + column * (BOX_W + GAP_X), y: PAD + row * (BOX_H + GAP_Y) });
  }
  return placed;
}

const shortType = (type: string) => type.replace(/^.*\./, '');

export function WorkflowGraph({ workflow }: { workflow: WorkflowDetail }) {
  const { nodes } = workflow.definition;
  const edges = edgesOf(workflow.definition);
  const at = layout(nodes, edges);
  const width = Math.max(...[...at.values()].map((p) => p.x)) + BOX_W + PAD;
  const height = Math.max(...[...at.values()].map((p) => p.y)) + BOX_H + PAD;
  return (
    <figure class="graph">
      <div class="graph-scroll" tabIndex={0} aria-label="Workflow graph (scrollable)">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-label={`Graph of ${workflow.name}: ${nodes.length} nodes, ${edges.length} connections`}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto">
              <path d="M0,0 L10,5 L0,10 z" class="arrow" />
            </marker>
          </defs>
          {edges.map((edge, i) => {
            const a = at.get(edge.from);
            const b = at.get(edge.to);
            if (!a || !b) return null;
            const x1 = a.x + BOX_W;
            const y1 = a.y + BOX_H / 2;
            const x2 = b.x;
            const y2 = b.y + BOX_H / 2;
            const bend = Math.max(30, Math.abs(x2 - x1) / 2);
            return (
              <path
                key={i}
                class="edge"
                d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
                marker-end="url(#arrow)"
              />
            );
          })}
          {nodes.map((n) => {
            const p = at.get(n.name)!;
            return (
              <g key={n.name} class={`node${n.disabled ? ' disabled' : ''}`} data-node={n.name}>
                <rect x={p.x} y={p.y} width={BOX_W} height={BOX_H} rx="8" />
                <text x={p.x + 10} y={p.y + 21} class="node-name">
                  {n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name}
                </text>
                <text x={p.x + 10} y={p.y + 39} class="node-type">
                  {shortType(n.type)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>
        <details>
          <summary>Connections as text</summary>
          <ul>
            {edges.map((edge, i) => (
              <li key={i}>
                {edge.from}
                {edge.output > 0 ? ` (output ${edge.output + 1})` : ''} → {edge.to}
              </li>
            ))}
          </ul>
        </details>
      </figcaption>
    </figure>
  );
}
