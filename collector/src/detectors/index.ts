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
  const steps = passSteps(snapshot, detectors, onError, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * runDetectors for a process that also answers requests: `between` is awaited after each
 * detector and stage (the platform yields to its event loop there), so a GraphQL query waits for
 * one detector at 5,000 components, not for the whole pass.
 */
export async function runDetectorsInSteps(
  snapshot: GraphSnapshot,
  detectors: readonly Detector[],
  onError: (detector: Detector, error: unknown) => void,
  options: Pick<DetectorOptions, 'maxFindingsPerPass'>,
  between: () => Promise<unknown>,
): Promise<RaisedFinding[]> {
  const steps = passSteps(snapshot, detectors, onError, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await between();
  }
}

/** One pass, a step (one detector, or one stage of grouping and ranking) per `next()`. */
function* passSteps(
  snapshot: GraphSnapshot,
  detectors: readonly Detector[],
  onError: ((detector: Detector, error: unknown) => void) | undefined,
  options: Pick<DetectorOptions, 'maxFindingsPerPass'>,
): Generator<void, RaisedFinding[]> {
  const findings: RaisedFinding[] = [];
  for (const detector of detectors) {
    findings.push(...detect(snapshot, detector, onError));
    yield;
  }
  const impact = impactOver(snapshot);
  yield;
  const { heads } = groupByRootCause(findings);
  return rankAndCap(heads, impact, thresholds(options).maxFindingsPerPass);
}

function detect(snapshot: GraphSnapshot, detector: Detector, onError: ((detector: Detector, error: unknown) => void) | undefined): RaisedFinding[] {
  try {
    return detector.detect(snapshot);
  } catch (error) {
    if (!onError) throw error;
    onError(detector, error);
    return [];
  }
}

/** Every detector's findings, before grouping, ranking and the cap. */
export function rawFindings(
  snapshot: GraphSnapshot,
  detectors: readonly Detector[] = createDetectors(),
  onError?: (detector: Detector, error: unknown) => void,
): RaisedFinding[] {
  return detectors.flatMap((detector) => detect(snapshot, detector, onError));
}
