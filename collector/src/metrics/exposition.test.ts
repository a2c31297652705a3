import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatValue, histogramSamples, renderExposition } from './exposition.ts';

describe('Prometheus text exposition', () => {
  it('escapes backslash, double quote and line feed in label values, nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('postgresql://db:5432/orders {x}=\'y\' ✓')).toBe('postgresql://db:5432/orders {x}=\'y\' ✓');
  });

  it('renders HELP, TYPE and samples with escaped labels and Go float spellings', () => {
    const text = renderExposition([
      { name: 'orrery_x_total', type: 'counter', help: 'line one\nline \\ two', samples: [{ labels: { client: 'we"b', server: 'a\\b' }, value: 3 }, { value: Number.NaN }] },
      { name: 'orrery_level', type: 'gauge', help: 'g', samples: [{ value: Infinity }, { value: -Infinity }, { value: 0.25 }] },
    ]);
    expect(text).toBe([
      '# HELP orrery_x_total line one\\nline \\\\ two',
      '# TYPE orrery_x_total counter',
      'orrery_x_total{client="we\\"b",server="a\\\\b"} 3',
      'orrery_x_total NaN',
      '# HELP orrery_level g',
      '# TYPE orrery_level gauge',
      'orrery_level +Inf',
      'orrery_level -Inf',
      'orrery_level 0.25',
      '',
    ].join('\n'));
    expect(formatValue(1e21)).toBe('1e+21');
  });

  it('refuses invalid metric and label names and a family rendered twice', () => {
    expect(() => renderExposition([{ name: 'bad-name', type: 'gauge', help: '', samples: [] }])).toThrow(/metric name/);
    expect(() => renderExposition([{ name: 'ok', type: 'gauge', help: '', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => renderExposition([{ name: 'ok', type: 'gauge', help: '', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }])).toThrow(/label name/);
    const f = { name: 'ok', type: 'gauge' as const, help: '', samples: [] };
    expect(() => renderExposition([f, f])).toThrow(/twice/);
  });

  it('lays out a histogram as cumulative buckets ending in +Inf = count, then sum and count', () => {
    const samples = histogramSamples({ client: 'a' }, [0.1, 0.2], [1, 3], 0.5, 4);
    expect(renderExposition([{ name: 'h_seconds', type: 'histogram', help: 'h', samples }]).split('\n').slice(2, -1)).toEqual([
      'h_seconds_bucket{client="a",le="0.1"} 1',
      'h_seconds_bucket{client="a",le="0.2"} 3',
      'h_seconds_bucket{client="a",le="+Inf"} 4',
      'h_seconds_sum{client="a"} 0.5',
      'h_seconds_count{client="a"} 4',
    ]);
  });
});
