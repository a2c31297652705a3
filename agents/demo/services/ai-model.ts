// ai-model: a local stand-in for a hosted LLM API (OpenAI-shaped chat completions), started
// WITHOUT the agent. Slow on purpose: every answer takes 2-8 s, and a few fail with 503.
import { type Route, chance, envNumber, randomBetween, serve, sleep } from '../lib/service.ts';

const minMs = envNumber('AI_MIN_LATENCY_MS', 2000);
const maxMs = envNumber('AI_MAX_LATENCY_MS', 8000);
const failureRate = envNumber('AI_FAILURE_RATE', 0.02);

const routes: Route[] = [
  {
    method: 'POST',
    template: '/v1/chat/completions',
    handle: async ({ body }) => {
      await sleep(randomBetween(minMs, maxMs));
      if (chance(failureRate)) return { status: 503, body: { error: { type: 'overloaded', message: 'model overloaded' } } };
      const request = (body ?? {}) as { model?: string; messages?: Array<{ content?: string }> };
      const promptTokens = Math.ceil(JSON.stringify(request.messages ?? []).length / 4);
      const risk = Math.random() < 0.85 ? 'low' : Math.random() < 0.9 ? 'medium' : 'high';
      const content = JSON.stringify({ risk, reason: `pattern match: ${risk} risk` });
      return {
        status: 200,
        body: {
          id: `chatcmpl-${crypto.randomUUID().slice(0, 10)}`,
          object: 'chat.completion',
          model: request.model ?? 'gpt-4o-mini',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          usage: { prompt_tokens: promptTokens, completion_tokens: 18, total_tokens: promptTokens + 18 },
        },
      };
    },
  },
];

await serve('ai-model', routes);
