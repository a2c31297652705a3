// GraphQL's onboardingDoc: the same pages `npm run docs` writes (collector/src/docs/), one at a
// time, for the web app's Docs view. Links to the map are same-origin (`/?focus=<name>`). The
// site is rebuilt when the read model changed, at most every REBUILD_MS: findings, shapes and the
// catalog are read again with it.
import { createGraphQLError } from 'graphql-yoga';
import type { Driver } from 'neo4j-driver';
import { docInputFromReadModel } from '@orrery/collector/docs/from-read-model.ts';
import { createDocSite, UnknownSystemError, type DocPageInfo, type DocSite } from '@orrery/collector/docs/render-docs.ts';
import { readDocSources } from '@orrery/collector/store/docs-sources.ts';
import type { ReadModel } from '@orrery/collector/timeline/read-model.ts';

const REBUILD_MS = 5000;

export interface OnboardingDocArgs {
  system?: string | null;
  page?: string | null;
  component?: string | null;
}

export interface OnboardingDocRow {
  title: string;
  markdown: string;
  path: string;
  system: string | null;
  pages: DocPageInfo[];
  generatedAt: string;
}

export function createOnboardingDocs(options: { driver: Driver; database: string; catalogPath: string | undefined; mapUrl?: string }) {
  const sites = new Map<string, { site: Promise<DocSite>; version: number; at: number }>();

  function siteFor(model: ReadModel, nowMs: number, system: string | undefined): Promise<DocSite> {
    const key = system ?? '';
    const hit = sites.get(key);
    if (hit && (hit.version === model.version() || nowMs - hit.at < REBUILD_MS) && nowMs - hit.at < 60_000) return hit.site;
    const site = readDocSources({ driver: options.driver, database: options.database, catalogPath: options.catalogPath, nowMs, mapUrl: options.mapUrl ?? '/' })
      .then((sources) => createDocSite(docInputFromReadModel(model, sources), { system }));
    sites.set(key, { site, version: model.version(), at: nowMs });
    site.catch(() => sites.delete(key));
    return site;
  }

  return {
    async resolve(model: ReadModel, nowMs: number, args: OnboardingDocArgs): Promise<OnboardingDocRow> {
      const system = args.system ?? undefined;
      if (model.allComponents().next().done) {
        return {
          title: 'Nothing observed yet', path: 'index.md', system: system ?? null, pages: [], generatedAt: new Date(nowMs).toISOString(),
          markdown: '# Nothing observed yet\n\nNo component has sent traces yet, so there is nothing to document. Point OpenTelemetry exporters at the collector and the docs write themselves from what they see.\n',
        };
      }
      let site: DocSite;
      try {
        site = await siteFor(model, nowMs, system);
      } catch (error) {
        if (error instanceof UnknownSystemError) throw createGraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        throw error;
      }
      const path = args.page ?? (args.component ? site.pageOf(args.component) : undefined) ?? site.pages[0]?.path ?? 'index.md';
      const page = site.render(path);
      if (!page) {
        const what = args.page ? `no page ${JSON.stringify(args.page)}` : `no component named ${JSON.stringify(args.component)}`;
        throw createGraphQLError(`${what} in the onboarding docs`, { extensions: { code: 'NOT_FOUND', http: { status: 404 } } });
      }
      return { title: page.title, markdown: page.markdown, path: page.path, system: system ?? null, pages: site.pages, generatedAt: new Date(nowMs).toISOString() };
    },
  };
}
