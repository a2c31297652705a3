// Tarjan's strongly connected components, iterative: an explicit stack of (node, next-successor)
// frames instead of recursion, so a 5,000-deep chain cannot overflow the call stack.

/**
 * Components with more than one node, or one node with an edge to itself: the cycles.
 * `successors` must only return nodes that are also in `nodes` (others are ignored).
 */
export function stronglyConnectedComponents(nodes: readonly string[], successors: (node: string) => readonly string[]): string[][] {
  const id = new Map<string, number>();
  nodes.forEach((n, i) => id.set(n, i));
  const count = nodes.length;
  const adjacency: number[][] = nodes.map((n) => {
    const list: number[] = [];
    for (const s of successors(n)) {
      const j = id.get(s);
      if (j !== undefined) list.push(j);
    }
    return list;
  });

  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const frames: Array<{ node: number; next: number }> = [];
  const result: string[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    const open = (node: number) => {
      order[node] = low[node] = counter++;
      stack.push(node);
      onStack[node] = 1;
      frames.push({ node, next: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edges = adjacency[frame.node]!;
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (order[to] === -1) open(to);
        else if (onStack[to]) low[frame.node] = Math.min(low[frame.node]!, order[to]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      if (low[frame.node] === order[frame.node]) {
        const members: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          members.push(member);
        } while (member !== frame.node);
        const selfLoop = members.length === 1 && edges.includes(frame.node);
        if (members.length > 1 || selfLoop) result.push(members.reverse().map((m) => nodes[m]!));
      }
    }
  }
  return result;
}
