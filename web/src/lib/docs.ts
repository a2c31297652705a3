// The Docs view's core, framework-free: asking the API for a page of the onboarding docs
// (GraphQL onboardingDoc), and turning its Markdown into HTML for the page. The Markdown is the
// same `npm run docs` writes; here raw HTML in it is shown as text (names come from traffic),
// ```mermaid blocks become placeholders the view draws with mermaid, links between pages stay in
// the Docs view (`?view=docs&page=<path>`), and links to the map (`/?focus=`) open the map.
import { Marked, type Tokens } from 'marked';

export interface DocPageInfo {
  path: string;
  title: string;
  section: 'index' | 'system' | 'service' | 'workflow';
  subject: string;
}

export interface OnboardingDoc {
  title: string;
  markdown: string;
  path: string;
  pages: DocPageInfo[];
  generatedAt: string;
}

/** Which page to show: a path from `pages`, or the page of a component; neither is the index. */
export interface DocRequest {
  page?: string | null;
  component?: string | null;
}

export const DOCS_QUERY = `query OnboardingDoc($page: String, $component: String) {
  onboardingDoc(page: $page, component: $component) { title markdown path generatedAt pages { path title section subject } }
}`;

export function createDocsClient(options: { endpoint?: string; fetch?: typeof globalThis.fetch } = {}) {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    async page(request: DocRequest, signal?: AbortSignal): Promise<OnboardingDoc> {
      const response = await doFetch(endpoint, {
        method: 'POST', headers: { 'content-type': 'application/json' }, signal,
        body: JSON.stringify({ query: DOCS_QUERY, variables: { page: request.page ?? null, component: request.component ?? null } }),
      });
      const body = (await response.json().catch(() => ({}))) as { data?: { onboardingDoc?: OnboardingDoc }; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      const doc = body.data?.onboardingDoc;
      if (!response.ok || !doc || typeof doc.markdown !== 'string' || !Array.isArray(doc.pages)) throw new Error(`the API answered ${response.status} without a doc`);
      return doc;
    },
  };
}

export type DocsClient = ReturnType<typeof createDocsClient>;

/** What the URL says the Docs view shows; null when it is the map's URL. */
export function readDocsLocation(search: string): DocRequest | null {
  const params = new URLSearchParams(search);
  if (params.get('view') !== 'docs') return null;
  return { page: params.get('page'), component: params.get('component') };
}

export const docsHref = (request: DocRequest): string => {
  const params = new URLSearchParams({ view: 'docs' });
  if (request.page) params.set('page', request.page);
  else if (request.component) params.set('component', request.component);
  return `?${params}`;
};

/** A relative link of a page resolved to a page path (`../services/x.md` from `systems/y.md`). */
export function resolvePage(fromPage: string, href: string): string {
  const parts = [...fromPage.split('/').slice(0, -1), ...href.split('/')];
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Heading anchors as Python-Markdown's toc makes them, so `#what-the-catalog-does-not-say` works in both. */
export function headingId(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, '').replace(/&[a-z]+;|&#\d+;/g, '').replace(/[^\w\s-]/g, '').trim().replace(/[\s-]+/g, '-');
}

export interface RenderedDoc {
  html: string;
  /** Mermaid sources, in the order of their placeholders (`data-diagram="<index>"`). */
  diagrams: string[];
}

export function renderDocMarkdown(markdown: string, pagePath: string): RenderedDoc {
  const diagrams: string[] = [];
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      code({ text, lang }: Tokens.Code) {
        if (lang === 'mermaid') {
          diagrams.push(text);
          return `<div class="mermaid-diagram" data-diagram="${diagrams.length - 1}"></div>\n`;
        }
        return `<pre><code${lang ? ` class="language-${escapeHtml(lang)}"` : ''}>${escapeHtml(text)}</code></pre>\n`;
      },
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
      heading({ tokens, depth }: Tokens.Heading) {
        const inner = this.parser.parseInline(tokens);
        return `<h${depth} id="${escapeHtml(headingId(inner))}">${inner}</h${depth}>\n`;
      },
      link({ href, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !/^https?:/i.test(href)) return inner; // javascript:, data: and the like: text only
        const page = /^(?![a-z]+:|\/|#)([^?#]+\.md)(#.*)?$/i.exec(href);
        if (page) {
          const target = resolvePage(pagePath, decodeURIComponent(page[1]!));
          return `<a href="${escapeHtml(docsHref({ page: target }))}" data-doc-page="${escapeHtml(target)}">${inner}</a>`;
        }
        const map = href.startsWith('/') && !href.startsWith('//');
        return `<a href="${escapeHtml(href)}"${map ? ' data-map-link=""' : ' rel="noopener noreferrer"'}>${inner}</a>`;
      },
    },
  });
  const html = marked.parse(markdown, { async: false }) as string;
  return { html, diagrams };
}

/** The pages of one section, by title, for the view's navigation. */
export function pagesOf(pages: readonly DocPageInfo[], section: DocPageInfo['section']): DocPageInfo[] {
  return pages.filter((p) => p.section === section).sort((a, b) => a.title.localeCompare(b.title));
}

/** `?focus=a&focus=b` of a map URL: the components the map opens focused on. */
export function focusOf(search: string): string[] {
  return new URLSearchParams(search).getAll('focus').filter((n) => n !== '');
}
