// approvals: orders that need a person (large amounts, or fraud-check said "review") are queued
// for the accounts-payable reviewers. The wait for the human is one span carrying
// orrery.human.task = "ap-review", from queueing to decision. A simulated reviewer picks most
// tasks up after 1-5 s; some are never picked up and expire when their SLA runs out, which is
// when their span ends (outcome "expired", status ERROR), so the abandoned hand-off is visible.
import { type Span, SpanStatusCode, context } from '@opentelemetry/api';
import { type Route, chance, envNumber, randomBetween, serve } from '../lib/service.ts';
import { tracer } from '../lib/telemetry.ts';

const HUMAN_TASK = 'ap-review';
const neverPickedUpRate = envNumber('APPROVALS_NEVER_PICKED_UP_RATE', 0.1);
const rejectRate = envNumber('APPROVALS_REJECT_RATE', 0.1);
const slaMs = envNumber('APPROVALS_SLA_MS', 20000);
const maxPending = envNumber('APPROVALS_MAX_PENDING', 500);

const pending = new Map<string, { span: Span; timer: NodeJS.Timeout }>();
let refusedFull = 0;

function decide(taskId: string, outcome: 'approved' | 'rejected' | 'expired'): void {
  const task = pending.get(taskId);
  if (!task) return;
  pending.delete(taskId);
  clearTimeout(task.timer);
  task.span.setAttribute('orrery.human.outcome', outcome);
  task.span.setAttribute('orrery.human.picked_up', outcome !== 'expired');
  if (outcome === 'expired') task.span.setStatus({ code: SpanStatusCode.ERROR, message: `not picked up within ${slaMs} ms` });
  task.span.end();
}

const routes: Route[] = [
  {
    method: 'POST',
    template: '/approvals',
    handle: ({ body }) => {
      const { orderId, amount, reason } = body as { orderId: string; amount: number; reason: string };
      if (pending.size >= maxPending) {
        refusedFull++;
        return { status: 503, body: { error: 'review queue full' } };
      }
      const taskId = `apr_${crypto.randomUUID().slice(0, 12)}`;
      // Child of this request's SERVER span; it outlives the request, as the wait does.
      const span = tracer.startSpan(
        `${HUMAN_TASK} wait`,
        { attributes: { 'orrery.human.task': HUMAN_TASK, 'orrery.human.task_id': taskId, 'orrery.order.id': orderId, 'orrery.approval.reason': reason, 'orrery.order.amount': amount } },
        context.active(),
      );
      const timer = setTimeout(() => decide(taskId, 'expired'), slaMs);
      pending.set(taskId, { span, timer });
      if (!chance(neverPickedUpRate)) {
        setTimeout(() => decide(taskId, chance(rejectRate) ? 'rejected' : 'approved'), randomBetween(1000, 5000));
      }
      return { status: 202, body: { taskId, status: 'queued' } };
    },
  },
  {
    method: 'GET',
    template: '/stats',
    handle: () => ({ status: 200, body: { pending: pending.size, refusedFull } }),
  },
];

await serve('approvals', routes);
