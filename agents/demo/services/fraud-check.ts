// fraud-check: asks an LLM whether an order looks fraudulent, synchronously, on checkout's path:
// 2-8 s per order. The call is traced as a GenAI CLIENT span (what an OpenAI client
// instrumentation emits), with its HTTP transport span suppressed so the AI call is one span.
// When the model fails, a simple rule decides instead: the business accepts degradation here.
import { SpanKind } from '@opentelemetry/api';
import { type Route, callJson, peerUrl, serve } from '../lib/service.ts';
import { inSpan, withoutTransportSpans } from '../lib/telemetry.ts';

const modelUrl = new URL(peerUrl('ai-model'));
const MODEL = 'gpt-4o-mini';

interface Completion {
  model?: string;
  id?: string;
  choices?: Array<{ finish_reason?: string; message?: { content?: string } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

async function askModel(order: { orderId: string; amount: number; customerId: string; lines: number }): Promise<string> {
  return inSpan(
    `chat ${MODEL}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': MODEL,
        'gen_ai.request.temperature': 0,
        'server.address': modelUrl.hostname,
        'server.port': Number(modelUrl.port),
      },
    },
    async (span) => {
      const response = await withoutTransportSpans(() =>
        callJson<Completion>(
          modelUrl.origin,
          'POST',
          '/v1/chat/completions',
          {
            model: MODEL,
            temperature: 0,
            messages: [
              { role: 'system', content: 'Rate the fraud risk of this order as low, medium or high. Answer as JSON.' },
              { role: 'user', content: JSON.stringify(order) },
            ],
          },
          12000,
        ),
      );
      if (response.status !== 200) {
        span.setAttribute('error.type', String(response.status));
        throw new Error(`model answered HTTP ${response.status}`);
      }
      const completion = response.body;
      if (completion.model) span.setAttribute('gen_ai.response.model', completion.model);
      if (completion.id) span.setAttribute('gen_ai.response.id', completion.id);
      if (completion.usage?.prompt_tokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', completion.usage.prompt_tokens);
      if (completion.usage?.completion_tokens !== undefined) span.setAttribute('gen_ai.usage.output_tokens', completion.usage.completion_tokens);
      const finish = completion.choices?.[0]?.finish_reason;
      if (finish) span.setAttribute('gen_ai.response.finish_reasons', [finish]);
      const verdict = JSON.parse(completion.choices?.[0]?.message?.content ?? '{}') as { risk?: string };
      return verdict.risk ?? 'medium';
    },
  );
}

const routes: Route[] = [
  {
    method: 'POST',
    template: '/assessments',
    handle: async ({ body }) => {
      const order = body as { orderId: string; amount: number; customerId: string; lines: number };
      let risk: string;
      let source = 'model';
      try {
        risk = await askModel(order);
      } catch {
        // Degrade to a rule rather than fail checkout.
        risk = order.amount > 4000 ? 'medium' : 'low';
        source = 'rules';
      }
      const decision = risk === 'high' ? 'deny' : risk === 'medium' ? 'review' : 'allow';
      return { status: 200, body: { orderId: order.orderId, risk, decision, source } };
    },
  },
];

await serve('fraud-check', routes);
