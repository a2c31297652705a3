// Mermaid diagrams from names that come from traffic. A name never becomes Mermaid syntax: nodes
// and participants get generated ids (n0, p0, ...), and every label is written with Mermaid's
// entity codes (`#58;` for `:`) for anything but letters, digits, space, `.`, `_`, `/` and `-`.
// Mermaid decodes entity codes before it parses (so `#` and `;` inside a code cannot end a
// statement) and draws them as the character, so quotes, brackets, `://`, `%%`, `;`, `end` and
// arrows in a name are all just text.
import type { ComponentKind, DependencyKind } from '../model/interaction.ts';
import type { WorkflowShape, WorkflowStep } from '../model/workflow-shape.ts';
import { millis } from './markdown.ts';

export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/[A-Za-z0-9 ._/-]/.test(ch)) out += ch;
    else if (ch === '\n' || ch === '\r') out += ' ';
    else out += `#${ch.codePointAt(0)};`;
  }
  // Runs of spaces (and a leading or trailing one) are squeezed: Mermaid trims them anyway.
  return out.replace(/ {2,}/g, ' ').trim() || '#160;';
}

export const fence = (diagram: string): string => `\`\`\`mermaid\n${diagram}\n\`\`\``;

/** Node shapes by component kind: services boxes, databases cylinders, queues parallelograms, ... */
const SHAPE: Record<ComponentKind, [string, string]> = {
  SERVICE: ['["', '"]'],
  DATABASE: ['[("', '")]'],
  QUEUE: ['[/"', '"/]'],
  EXTERNAL: ['[["', '"]]'],
  AI: ['{{"', '"}}'],
  HUMAN: ['(["', '"])'],
};

const CLASS: Record<ComponentKind, string> = { SERVICE: 'service', DATABASE: 'database', QUEUE: 'queue', EXTERNAL: 'external', AI: 'ai', HUMAN: 'human' };

const CLASS_DEFS = [
  'classDef service fill:#e8f1fd,stroke:#3a78c9,color:#10243f',
  'classDef database fill:#eaf6ee,stroke:#3c8d5a,color:#123020',
  'classDef queue fill:#fdf3e3,stroke:#c48a2c,color:#3a2a0c',
  'classDef external fill:#f1eef8,stroke:#7a62b3,color:#251a3d',
  'classDef ai fill:#fdeef3,stroke:#c0507a,color:#3d1424',
  'classDef human fill:#fffbe6,stroke:#a89020,color:#3a3208',
  'classDef outside fill:#f4f5f7,stroke:#9aa3af,color:#374151,stroke-dasharray:4 3',
];

export interface FlowNode {
  key: string;
  label: string;
  kind: ComponentKind;
  /** Drawn dashed: it belongs to another system. */
  outside?: boolean;
  /** Subgraph it is drawn in (undefined: none). */
  group?: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  kind: DependencyKind;
  label?: string;
}

/** Sync and database calls solid, handoffs (async, publish, consume) dashed. */
const ARROW: Record<DependencyKind, string> = { SYNC: '-->', DATABASE: '-->', ASYNC: '-.->', PUBLISH: '-.->', CONSUME: '-.->' };

export function flowchart(nodes: readonly FlowNode[], edges: readonly FlowEdge[], direction: 'LR' | 'TB' = 'LR'): string {
  const ids = new Map<string, string>();
  nodes.forEach((n, i) => ids.set(n.key, `n${i}`));
  const lines = [`flowchart ${direction}`];
  const groups = new Map<string, FlowNode[]>();
  const loose: FlowNode[] = [];
  for (const n of nodes) {
    if (n.group === undefined) loose.push(n);
    else (groups.get(n.group) ?? groups.set(n.group, []).get(n.group)!).push(n);
  }
  const nodeLine = (n: FlowNode) => {
    const [open, close] = SHAPE[n.kind];
    return `${ids.get(n.key)}${open}${mermaidText(n.label)}${close}`;
  };
  let g = 0;
  for (const [group, members] of groups) {
    lines.push(`  subgraph g${g++} ["${mermaidText(group)}"]`);
    for (const n of members) lines.push(`    ${nodeLine(n)}`);
    lines.push('  end');
  }
  for (const n of loose) lines.push(`  ${nodeLine(n)}`);
  for (const e of edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from === undefined || to === undefined) continue;
    lines.push(`  ${from} ${ARROW[e.kind]}${e.label ? `|"${mermaidText(e.label)}"|` : ''} ${to}`);
  }
  lines.push(...CLASS_DEFS.map((d) => `  ${d}`));
  const byClass = new Map<string, string[]>();
  for (const n of nodes) {
    const cls = n.outside ? 'outside' : CLASS[n.kind];
    (byClass.get(cls) ?? byClass.set(cls, []).get(cls)!).push(ids.get(n.key)!);
  }
  for (const [cls, members] of byClass) lines.push(`  class ${members.join(',')} ${cls}`);
  return lines.join('\n');
}

const KIND_SUFFIX: Partial<Record<ComponentKind, string>> = { DATABASE: 'database', QUEUE: 'queue', EXTERNAL: 'external', AI: 'AI' };

/**
 * A sequence diagram of one run: each step in its real order; a synchronous call (and a database,
 * AI or human step) is answered when it ended, and what its callee did meanwhile sits inside it.
 * Calls made in parallel are drawn one after another. A handoff through a queue is a publish to the
 * queue and a delivery from it, with the lag the consumer waited.
 */
export function sequenceDiagram(shape: Pick<WorkflowShape, 'entry' | 'steps'>, displayName: (name: string) => string = (n) => n): string {
  const participants = new Map<string, { id: string; kind: ComponentKind }>();
  const lines: string[] = ['sequenceDiagram'];
  const declare = (name: string, kind: ComponentKind) => {
    if (participants.has(name)) return;
    const id = `p${participants.size}`;
    participants.set(name, { id, kind });
    const suffix = KIND_SUFFIX[kind];
    const label = mermaidText(`${displayName(name)}${suffix ? ` (${suffix})` : ''}`);
    lines.push(`  ${kind === 'HUMAN' ? 'actor' : 'participant'} ${id} as ${label}`);
  };
  declare(shape.entry, 'SERVICE');
  for (const s of shape.steps) {
    declare(s.from, s.fromKind);
    declare(s.to, s.toKind);
  }
  const id = (name: string) => participants.get(name)!.id;

  // Handoff lags, from the ASYNC step beside each PUBLISH/CONSUME pair (its operation is the queue).
  const lagOf = new Map<string, number>();
  const viaQueue = new Set<string>();
  for (const s of shape.steps) if (s.kind === 'ASYNC' && s.operation) lagOf.set(`${s.operation}\u0000${s.to}`, s.durationMs);
  for (const s of shape.steps) if (s.kind === 'CONSUME') viaQueue.add(`${s.from}\u0000${s.to}`);

  const open: Array<{ step: WorkflowStep; endMs: number }> = [];
  const answer = () => {
    const { step } = open.pop()!;
    const text = `${step.error ? 'error after ' : ''}${millis(step.durationMs)}`;
    lines.push(`  ${id(step.to)}-->>-${id(step.from)}: ${mermaidText(text)}`);
  };
  const steps = [...shape.steps].sort((a, b) => a.atMs - b.atMs || b.durationMs - a.durationMs);
  for (const s of steps) {
    // Calls that ended before this step began are answered, and so are calls deeper than the one
    // whose callee makes this step. A step by nobody waiting (a consumer picking up a message)
    // runs beside the open calls.
    while (open.length > 0 && (open.at(-1)!.endMs <= s.atMs || (open.at(-1)!.step.to !== s.from && open.some((o) => o.step.to === s.from)))) answer();
    const op = s.operation ? mermaidText(s.operation) : mermaidText(s.protocol);
    const failed = s.error ? ' #10007; error' : '';
    switch (s.kind) {
      case 'PUBLISH':
        lines.push(`  ${id(s.from)}-)${id(s.to)}: publish${failed}`);
        break;
      case 'CONSUME': {
        const lag = lagOf.get(`${s.from}\u0000${s.to}`);
        lines.push(`  ${id(s.from)}-)${id(s.to)}: deliver${lag !== undefined ? mermaidText(`, waited ${millis(lag)}`) : ''}${failed}`);
        break;
      }
      case 'ASYNC':
        if (s.operation && viaQueue.has(`${s.operation}\u0000${s.to}`)) break; // drawn as its publish and delivery
        lines.push(`  ${id(s.from)}-)${id(s.to)}: ${mermaidText(`hand off ${s.operation ?? ''}`)}${mermaidText(`, waited ${millis(s.durationMs)}`)}${failed}`);
        break;
      default:
        lines.push(`  ${id(s.from)}->>+${id(s.to)}: ${op}${failed}`);
        if (s.toKind === 'HUMAN') lines.push(`  Note over ${id(s.to)}: manual step`);
        open.push({ step: s, endMs: s.atMs + s.durationMs });
    }
  }
  while (open.length > 0) answer();
  if (shape.steps.length === 0) lines.push(`  Note over ${id(shape.entry)}: served without calling anything`);
  return lines.join('\n');
}
