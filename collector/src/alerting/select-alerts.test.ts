import { describe, expect, it } from 'vitest';
import type { RaisedFinding } from '../model/graph-snapshot.ts';
import { selectAlerts } from './select-alerts.ts';

const finding = (id: string, kind: RaisedFinding['kind'], severity: RaisedFinding['severity']): RaisedFinding => ({
  id, kind, severity, title: id, detail: `${id} detail`, components: ['a', 'b'], path: ['a', 'b'], evidence: { traceIds: [] },
});

describe('selectAlerts', () => {
  const findings = [
    finding('risk', 'CASCADING_RISK_PATH', 'HIGH'),
    finding('critical-ai', 'SYNC_AI_ON_CRITICAL_PATH', 'CRITICAL'),
    finding('chatty', 'CHATTY_COUPLING', 'MEDIUM'),
    finding('old-risk', 'CASCADING_RISK_PATH', 'CRITICAL'),
  ];

  it('alerts on newly opened cascading-risk paths and CRITICAL findings only', () => {
    expect(selectAlerts(['risk', 'critical-ai', 'chatty'], findings).map((a) => a.finding.id)).toEqual(['risk', 'critical-ai']);
  });

  it('stays quiet about findings that were already open', () => {
    expect(selectAlerts([], findings)).toEqual([]);
  });
});
