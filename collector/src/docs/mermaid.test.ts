import { describe, expect, it } from 'vitest';
import type { WorkflowStep } from '../model/workflow-shape.ts';
import { md } from './markdown.ts';
import { flowchart, mermaidText, sequenceDiagram } from './mermaid.ts';
import { slug } from './slugs.ts';

const step = (from: string, to: string, atMs: number, durationMs: number, spec: Partial<WorkflowStep> = {}): WorkflowStep => ({
  from, fromKind: 'SERVICE', to, toKind: 'SERVICE', kind: 'SYNC', protocol: 'http', operation: undefined, atMs, durationMs, error: false, ...spec,
});

describe('mermaid text', () => {
  it('keeps letters, digits, space, . _ / - and writes everything else as an entity code', () => {
    expect(mermaidText('orders-db_1.internal/x')).toBe('orders-db_1.internal/x');
    expect(mermaidText('postgresql://db')).toBe('postgresql#58;//db');
    expect(mermaidText('a "b" [c] {d} (e) ;#%|<>`')).toBe('a #34;b#34; #91;c#93; #123;d#125; #40;e#41; #59;#35;#37;#124;#60;#62;#96;');
    expect(mermaidText('ü →')).toBe('#252; #8594;');
    expect(mermaidText('two\nlines  spaced ')).toBe('two lines spaced');
    expect(mermaidText('')).toBe('#160;');
  });

  it('gives nodes generated ids, so a name is never syntax', () => {
    const chart = flowchart([{ key: 'end', label: 'end', kind: 'SERVICE' }, { key: 'a-->b', label: 'a-->b', kind: 'DATABASE' }], [{ from: 'end', to: 'a-->b', kind: 'SYNC', label: 'x|y' }]);
    expect(chart.split('\n').slice(0, 4)).toEqual(['flowchart LR', '  n0["end"]', '  n1[("a-->b")]'.replace('-->', '--#62;'), '  n0 -->|"x#124;y"| n1']);
  });
});

describe('sequence diagram', () => {
  it('nests what a callee does inside its call and answers each call when it ended', () => {
    const diagram = sequenceDiagram({ entry: 'a', steps: [step('a', 'b', 0, 50), step('b', 'c', 5, 10), step('b', 'd', 20, 10), step('a', 'e', 60, 5)] });
    expect(diagram.split('\n').slice(6)).toEqual([
      '  p0->>+p1: http', '  p1->>+p2: http', '  p2-->>-p1: 10 ms', '  p1->>+p3: http', '  p3-->>-p1: 10 ms', '  p1-->>-p0: 50 ms', '  p0->>+p4: http', '  p4-->>-p0: 5 ms',
    ]);
  });

  it('answers a deeper call before its caller calls again, and marks failures', () => {
    // b's call to c is still open when b calls d (they ran in parallel): c answers first.
    const diagram = sequenceDiagram({ entry: 'a', steps: [step('a', 'b', 0, 300), step('b', 'c', 1, 100, { error: true }), step('c', 'x', 2, 50), step('b', 'd', 60, 5)] });
    expect(diagram).toContain('p1->>+p2: http #10007; error');
    expect(diagram).toContain('p2-->>-p1: error after 100 ms');
    expect(diagram.indexOf('p2-->>-p1')).toBeLessThan(diagram.indexOf('p1->>+p4'));
    expect(diagram.split('\n').filter((l) => l.includes('->>+')).length).toBe(diagram.split('\n').filter((l) => l.includes('-->>-')).length);
  });

  it('says when a run called nothing', () => {
    expect(sequenceDiagram({ entry: 'lonely', steps: [] })).toBe('sequenceDiagram\n  participant p0 as lonely\n  Note over p0: served without calling anything');
  });
});

describe('markdown and slugs', () => {
  it('escapes markup and HTML in names', () => {
    expect(md('a_b*c [d](e) <img src=x> | `t` ~x')).toBe('a\\_b\\*c \\[d\\](e) &lt;img src=x&gt; \\| \\`t\\` &#126;x');
    expect(md('plain-name.v2')).toBe('plain-name.v2');
  });

  it('keeps clean names and gives every other name a readable stem and a stable hash', () => {
    expect(slug('checkout')).toBe('checkout');
    expect(slug('Orders DB')).toMatch(/^orders-db-[0-9a-f]{6}$/);
    expect(slug('orders-db ')).not.toBe(slug('Orders DB'));
    expect(slug('postgresql://orders-db/orders')).toBe(slug('postgresql://orders-db/orders'));
    expect(slug('"[]"')).toMatch(/^x-[0-9a-f]{6}$/);
  });
});
