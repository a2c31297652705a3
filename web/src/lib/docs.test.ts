import { describe, expect, it } from 'vitest';
import { createDocsClient, docsHref, focusOf, headingId, readDocsLocation, renderDocMarkdown, resolvePage } from './docs.ts';

describe('docs view core', () => {
  it('resolves links between pages as MkDocs does', () => {
    expect(resolvePage('systems/shop.md', '../services/checkout.md')).toBe('services/checkout.md');
    expect(resolvePage('index.md', 'systems/shop.md')).toBe('systems/shop.md');
    expect(resolvePage('services/a.md', 'b.md')).toBe('services/b.md');
  });

  it('keeps page links in the Docs view, map links to the map, and draws nothing from raw HTML', () => {
    const { html, diagrams } = renderDocMarkdown(
      '# How it works\n\nSee [checkout](../services/checkout.md), [the map](/?focus=checkout&focus=db), [elsewhere](https://example.com) and [bad](javascript:alert(1)).\n\n<img src=x onerror=alert(1)>\n\n```mermaid\nflowchart LR\n  n0["a"] --> n1["b"]\n```\n\n```yaml\nkind: <Component>\n```\n',
      'systems/shop.md',
    );
    expect(html).toContain('<h1 id="how-it-works">How it works</h1>');
    expect(html).toContain('<a href="?view=docs&amp;page=services%2Fcheckout.md" data-doc-page="services/checkout.md">checkout</a>');
    expect(html).toContain('<a href="/?focus=checkout&amp;focus=db" data-map-link="">the map</a>');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer">elsewhere</a>');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<div class="mermaid-diagram" data-diagram="0"></div>');
    expect(html).toContain('<pre><code class="language-yaml">kind: &lt;Component&gt;');
    expect(diagrams).toEqual(['flowchart LR\n  n0["a"] --> n1["b"]']);
  });

  it('makes heading anchors the way Python-Markdown does', () => {
    expect(headingId('What the catalog does not say')).toBe('what-the-catalog-does-not-say');
    expect(headingId('Workflow: storefront POST /orders')).toBe('workflow-storefront-post-orders');
  });

  it('reads and writes the Docs view in the URL, and the map focus', () => {
    expect(readDocsLocation('?range=1h')).toBeNull();
    expect(readDocsLocation('?view=docs&page=systems%2Fshop.md')).toEqual({ page: 'systems/shop.md', component: null });
    expect(docsHref({ component: 'checkout' })).toBe('?view=docs&component=checkout');
    expect(focusOf('?focus=a&focus=postgresql%3A%2F%2Fdb&range=1h')).toEqual(['a', 'postgresql://db']);
  });

  it('asks the API for a page and reports its errors', async () => {
    const calls: unknown[] = [];
    const fetch = async (_url: unknown, init?: RequestInit) => {
      calls.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ data: { onboardingDoc: { title: 'T', markdown: '# T', path: 'index.md', generatedAt: 'x', pages: [] } } }));
    };
    const client = createDocsClient({ fetch: fetch as typeof globalThis.fetch });
    expect((await client.page({ component: 'checkout' })).title).toBe('T');
    expect(calls).toMatchObject([{ variables: { page: null, component: 'checkout' } }]);
    const failing = createDocsClient({ fetch: (async () => new Response(JSON.stringify({ errors: [{ message: 'no page "x"' }] }))) as typeof globalThis.fetch });
    await expect(failing.page({ page: 'x' })).rejects.toThrow('no page "x"');
  });
});
