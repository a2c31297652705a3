// Every detector, created with one set of thresholds, and one pass over a snapshot.
import type { GraphSnapshot, RaisedFinding } from '../model/graph-snapshot.ts';
import { createCascadingRiskPathDetector } from './cascading-risk-path.ts';
import { createChattyCouplingDetector } from './chatty-coupling.ts';
import { createCycleDetector } from './cycle.ts';
import type { Detector, DetectorOptions } from './detector.ts';
import { thresholds } from './detector.ts';
import { rankAndCap } from './flood-control.ts';
import { impactOver } from './impact.ts';
import { groupByRootCause } from './root-cause.ts';
import { createExceptionHeavyWorkflowDetector } from './exception-heavy-workflow.ts';
import { createHighCouplingDetector } from './high-coupling.ts';
import { createOrphanedHandoffDetector } from './orphaned-handoff.ts';
import { createSharedDatastoreDetector } from './shared-datastore.ts';
import { createSinglePointOfFailureDetector } from './single-point-of-failure.ts';
import { createStaleDeclarationDetector } from './stale-declaration.ts';
import { createSyncAiOnCriticalPathDetector } from './sync-ai-on-critical-path.ts';
import { createUncataloguedServiceDetector } from './uncatalogued-service.ts';
import { createUndocumentedDependencyDetector } from './undocumented-dependency.ts';
import { createUnhandledExceptionDetector } from './unhandled-exception.ts';

export { DEFAULT_THRESHOLDS, type Detector, type DetectorOptions, type Thresholds } from './detector.ts';
export { severityFromIntent } from './severity.ts';
export { findingId } from './finding-id.ts';
export { groupByRootCause } from './root-cause.ts';
export { capFindings, rankAndCap, rankFindings } from './flood-control.ts';
export { impactOver } from './impact.ts';

export function createDetectors(options: DetectorOptions = {}): Detector[] {
  return [
    createCascadingRiskPathDetector(options),
    createUndocumentedDependencyDetector(options),
    createUncataloguedServiceDetector(options),
    createStaleDeclarationDetector(options),
    createOrphanedHandoffDetector(options),
    createCycleDetector(options),
    createChattyCouplingDetector(options),
    createSharedDatastoreDetector(options),
    createSinglePointOfFailureDetector(options),
    createSyncAiOnCriticalPathDetector(options),
    createHighCouplingDetector(options),
    createUnhandledExceptionDetector(options),
    createExceptionHeavyWorkflowDetector(options),
  ];
}

/**
 * The findings of one pass, as they are raised: every detector's, grouped by root cause
 * (root-cause.ts), worst first by severity then impact, at most `maxFindingsPerPass` of them plus
 * one summary per kind beyond the cap (flood-control.ts). `options.maxFindingsPerPass: Infinity`
 * lists everything (a CI gate comparing against a baseline wants every finding).
 *
 * A detector that throws is reported to `onError` and the others still run; without `onError`
 * the error is thrown (a bug, to be seen in tests).
 */
export function runDetectors(
  snapshot: GraphSnapshot,
  detectors: readonly Detector[] = createDetectors(),
  onError?: (detector: Detector, error: unknown) => void,
  options: Pick<DetectorOptions, 'maxFindingsPerPass'> = {},
): RaisedFinding[] {
  const impact = impactOver(snapshot);
  const { heads } = groupByRootCause(rawFindings(snapshot, detectors, onError));
  return rankAndCap(heads, impact, thresholds(options).maxFindingsPerPass);
}

/** Every detector's findings, before grouping, ranking and the cap. */
export function rawFindings(
  snapshot: GraphSnapshot,
  detectors: readonly Detector[] = createDetectors(),
  onError?: (detector: Detector, error: unknown) => void,
): RaisedFinding[] {
  const findings: RaisedFinding[] = [];
  for (const detector of detectors) {
    try {
      findings.push(...detector.detect(snapshot));
    } catch (error) {
      if (!onError) throw error;
      onError(detector, error);
    }
  }
  return findings;
}
