import { describe, expect, it } from 'vitest';
import { parseBoolean, parseDiagLevel, parseHttpUrl, parseInteger, parseKeyValueList } from './env-values.ts';

describe('parseBoolean', () => {
  it('accepts true and false in any case, with spaces', () => {
    expect(parseBoolean(' TRUE ')).toEqual({ ok: true, value: true });
    expect(parseBoolean('False')).toEqual({ ok: true, value: false });
  });

  it('reports anything else instead of guessing', () => {
    expect(parseBoolean('yes')).toEqual({ ok: false, problem: 'expected "true" or "false", got "yes"' });
    expect(parseBoolean('1').ok).toBe(false);
  });
});

describe('parseInteger', () => {
  it('reads whole numbers at or above the minimum', () => {
    expect(parseInteger('500')).toEqual({ ok: true, value: 500 });
    expect(parseInteger(' 0 ')).toEqual({ ok: true, value: 0 });
  });

  it('refuses decimals, units, negatives and numbers below the minimum', () => {
    expect(parseInteger('1.5').ok).toBe(false);
    expect(parseInteger('500ms').ok).toBe(false);
    expect(parseInteger('-1').ok).toBe(false);
    expect(parseInteger('0', 1)).toEqual({ ok: false, problem: 'expected at least 1, got 0' });
    expect(parseInteger('99999999999999999999').ok).toBe(false);
  });
});

describe('parseHttpUrl', () => {
  it('accepts absolute http and https URLs only', () => {
    expect(parseHttpUrl('http://127.0.0.1:4318').ok).toBe(true);
    expect(parseHttpUrl('https://collector.example/otlp').ok).toBe(true);
    expect(parseHttpUrl('127.0.0.1:4318').ok).toBe(false);
    expect(parseHttpUrl('grpc://collector:4317').ok).toBe(false);
    expect(parseHttpUrl('not a url').ok).toBe(false);
  });
});

describe('parseKeyValueList', () => {
  it('reads trimmed, percent-decoded pairs and skips empty parts', () => {
    expect(parseKeyValueList(' service.namespace = demo ,, team=a%20b%2Cc ')).toEqual({
      entries: [
        ['service.namespace', 'demo'],
        ['team', 'a b,c'],
      ],
      problems: [],
    });
  });

  it('skips a malformed entry but keeps the rest of the list', () => {
    const list = parseKeyValueList('a=1,bogus,=x,b=%zz,c=3');
    expect(list.entries).toEqual([
      ['a', '1'],
      ['c', '3'],
    ]);
    expect(list.problems).toEqual(['"bogus" is not key=value', '"=x" is not key=value', 'the value of "b" is not valid percent-encoding']);
  });

  it('keeps an = inside a value', () => {
    expect(parseKeyValueList('q=a=b').entries).toEqual([['q', 'a=b']]);
  });
});

describe('parseDiagLevel', () => {
  it('accepts the spec levels in any case', () => {
    expect(parseDiagLevel('DEBUG')).toEqual({ ok: true, value: 'debug' });
    expect(parseDiagLevel('loud').ok).toBe(false);
  });
});
