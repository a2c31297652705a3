import { describe, expect, it } from 'vitest';
import { createOnceDiagLogger } from './once-diag-logger.ts';

describe('createOnceDiagLogger', () => {
  it('writes each distinct problem once, prefixed, and counts the repeats', () => {
    const lines: string[] = [];
    const logger = createOnceDiagLogger({ write: (l) => lines.push(l), prefix: '[orrery-agent checkout]' });
    logger.error('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    logger.error('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    logger.warn('Dropped 12 spans because maxQueueSize reached');
    logger.warn('Dropped 40 spans because maxQueueSize reached');
    logger.warn('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    expect(lines).toEqual([
      '[orrery-agent checkout] error: export failed: connect ECONNREFUSED 127.0.0.1:4318',
      '[orrery-agent checkout] warn: Dropped 12 spans because maxQueueSize reached',
      '[orrery-agent checkout] warn: export failed: connect ECONNREFUSED 127.0.0.1:4318',
    ]);
    expect(logger.suppressed()).toBe(2);
  });

  it('describes extra arguments, errors by their message', () => {
    const lines: string[] = [];
    const logger = createOnceDiagLogger({ write: (l) => lines.push(l), prefix: 'p' });
    logger.info('detected', { a: 1 }, new Error('boom'));
    expect(lines).toEqual(['p info: detected {"a":1} boom']);
  });

  it('stops writing after the bound and says so once', () => {
    const lines: string[] = [];
    const logger = createOnceDiagLogger({ write: (l) => lines.push(l), prefix: 'p', maxDistinct: 2 });
    logger.warn('one');
    logger.warn('two');
    logger.warn('three');
    expect(lines).toEqual(['p warn: one', 'p warn: two (further agent messages suppressed)']);
    expect(logger.suppressed()).toBe(1);
  });

  it('reduces the SDK error handler JSON to the error message', () => {
    const lines: string[] = [];
    const logger = createOnceDiagLogger({ write: (l) => lines.push(l), prefix: 'p' });
    logger.error(JSON.stringify({ stack: 'Error: connect ECONNREFUSED 127.0.0.1:1\n    at x', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' }));
    logger.error(JSON.stringify({ message: 'Bad Request', code: '400' }));
    logger.error('{not json');
    expect(lines).toEqual(['p error: connect ECONNREFUSED 127.0.0.1:1', 'p error: Bad Request (400)', 'p error: {not json']);
  });
});
