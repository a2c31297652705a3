// What a person can do to a finding from the page. Today: acknowledge it with a note. The API's
// refusal (no note, no open finding with that id) reaches the user as the API worded it.
import { FINDING_FIELDS, graphqlErrorMessage, parseFinding } from './graph-wire.ts';
import type { Finding } from './model.ts';

export const ACKNOWLEDGE_MUTATION = `mutation AcknowledgeFinding($id: ID!, $note: String!) {
  acknowledgeFinding(id: $id, note: $note) { ${FINDING_FIELDS} }
}`;

export interface FindingActions {
  /** Resolves to the finding as the API now holds it; rejects with a message fit to show. */
  acknowledge(id: string, note: string): Promise<Finding>;
}

export interface FindingActionsOptions {
  endpoint?: string;
  fetch?: typeof globalThis.fetch;
}

export function createFindingActions(options: FindingActionsOptions = {}): FindingActions {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  return {
    async acknowledge(id, note) {
      const trimmed = note.trim();
      // The API refuses an empty note too; saying so here spares a round trip.
      if (trimmed === '') throw new Error('Write a note saying why before acknowledging');
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: ACKNOWLEDGE_MUTATION, variables: { id, note: trimmed } }),
        });
      } catch (error) {
        throw new Error(`Could not reach the API: ${error instanceof Error ? error.message : String(error)}`);
      }
      // GraphQL refusals may come with a 4xx status and a JSON body: the body says more.
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${endpoint} answered HTTP ${response.status}`);
      }
      const message = graphqlErrorMessage(body);
      if (message !== null) throw new Error(message);
      const data = (body as { data?: { acknowledgeFinding?: unknown } }).data;
      const finding = data?.acknowledgeFinding;
      if (finding === null || finding === undefined) throw new Error(`The API returned no finding with id ${id}`);
      return parseFinding(finding, 'data.acknowledgeFinding');
    },
  };
}
