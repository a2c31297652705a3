// What alerting needs from the finding store besides a pass's changes: which open findings a
// person acknowledged (the API's acknowledgeFinding, possibly in another process), and what a
// resolved finding was (to say so in its resolution, when this process never saw it raised).
// One read query per detector pass.
import type { Driver } from 'neo4j-driver';
import type { RaisedFinding } from '../model/graph-snapshot.ts';

export interface StoredFinding extends Pick<RaisedFinding, 'id' | 'kind' | 'severity' | 'title' | 'detail' | 'components' | 'path'> {
  firstSeenMs: number | undefined;
}

export interface FindingStatus {
  /** Open findings acknowledged, with the note. */
  acknowledged: Map<string, string>;
  /** Of the ids asked about, those stored. */
  stored: Map<string, StoredFinding>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export async function readFindingStatus(driver: Driver, database: string, ids: readonly string[]): Promise<FindingStatus> {
  const { records } = await driver.executeQuery(
    `MATCH (n:Finding) WHERE n.status = 'ACKNOWLEDGED' OR n.id IN $ids
     RETURN n.id AS id, n.status AS status, n.acknowledgement AS note, n.kind AS kind, n.severity AS severity, n.title AS title,
            n.detail AS detail, n.components AS components, n.path AS path, n.firstSeen AS firstSeen, n.id IN $ids AS asked`,
    { ids: [...ids] },
    { database, routing: 'READ' },
  );
  const acknowledged = new Map<string, string>();
  const stored = new Map<string, StoredFinding>();
  for (const r of records) {
    const id = r.get('id') as string;
    if (r.get('status') === 'ACKNOWLEDGED') acknowledged.set(id, (r.get('note') as string | null) ?? '');
    if (r.get('asked') === true) {
      stored.set(id, {
        id, kind: r.get('kind'), severity: r.get('severity'), title: r.get('title'), detail: r.get('detail'),
        components: (r.get('components') as string[] | null) ?? [], path: (r.get('path') as string[] | null) ?? undefined, firstSeenMs: num(r.get('firstSeen')),
      });
    }
  }
  return { acknowledged, stored };
}
