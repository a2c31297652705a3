import { describe, expect, it } from 'vitest';
import { activeFilterCount, DEFAULT_VIEW, readMapView, writeMapView, type MapView } from './map-view.ts';

describe('the map view in the URL', () => {
  it('round-trips every part of a view and leaves other parameters alone', () => {
    const view: MapView = {
      fold: 'system',
      expanded: ['⟦system:pay⟧'],
      focus: { name: 'orders', depth: 3, direction: 'down' },
      path: null,
      blast: 'fraud',
      filters: { kinds: ['SERVICE', 'DATABASE'], tiers: [0, -1], systems: ['pay'], owners: ['team-a'], protocols: ['grpc'], dependencyKinds: ['SYNC'], withFindings: true, minErrorRate: 0.05, minCalls: 10 },
      layout: 'layered',
    };
    const search = writeMapView(view, '?range=1h&finding=f1');
    expect(new URLSearchParams(search).get('range')).toBe('1h');
    expect(new URLSearchParams(search).get('finding')).toBe('f1');
    expect(readMapView(search)).toEqual(view);
    expect(activeFilterCount(view.filters)).toBe(9);
  });

  it('reads nothing as the default view, and bounds what a hand-edited link asks for', () => {
    expect(readMapView('')).toEqual(DEFAULT_VIEW);
    expect(writeMapView(DEFAULT_VIEW, '?range=1h')).toBe('?range=1h');
    const odd = readMapView('?fold=colour&around=x&depth=99&dir=sideways&pathFrom=a&pathTo=b&hops=0&kinds=SERVICE,ROBOT&errors=7&open=⟦system:a⟧');
    expect(odd.fold).toBe('none');
    expect(odd.expanded).toEqual([]);
    expect(odd.focus).toEqual({ name: 'x', depth: 6, direction: 'both' });
    expect(odd.path).toEqual({ from: 'a', to: 'b', maxHops: 1 });
    expect(odd.filters.kinds).toEqual(['SERVICE']);
    expect(odd.filters.minErrorRate).toBe(1);
  });
});
