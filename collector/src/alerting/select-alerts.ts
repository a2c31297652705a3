// Which finding changes deserve to wake someone (DESIGN.md §1: alerts go out when a risk path
// appears). Pure: the webhook sender (webhook-alerter.ts) does the I/O.
import type { RaisedFinding } from '../model/graph-snapshot.ts';

export interface Alert {
  event: 'finding.opened';
  finding: Pick<RaisedFinding, 'id' | 'kind' | 'severity' | 'title' | 'detail' | 'components' | 'path'>;
}

/** Newly opened cascading-risk paths, and any newly opened CRITICAL finding. */
export function selectAlerts(openedIds: readonly string[], findings: readonly RaisedFinding[]): Alert[] {
  const opened = new Set(openedIds);
  return findings
    .filter((f) => opened.has(f.id) && (f.kind === 'CASCADING_RISK_PATH' || f.severity === 'CRITICAL'))
    .map((f) => ({
      event: 'finding.opened',
      finding: { id: f.id, kind: f.kind, severity: f.severity, title: f.title, detail: f.detail, components: f.components, path: f.path },
    }));
}
