// The example a portal widget starts from: what an organization shares, with whom and how,
// read through the typed client. Bundled by `npm run build` into dist/client.js, which defines
// `window.sharegraphExample(endpoint, code, token?)`; the browser test runs it against the demo.
import { graphql } from "./gql";
import type { SharingMode } from "./gql/graphql";
import { execute, type Client } from "./sharegraph";

const WhatOrganizationShares = graphql(`
  query WhatOrganizationShares($code: String!) {
    organization(code: $code) {
      name
      databases(first: 5) {
        totalCount
        nodes {
          name
          updatedAt
          items(first: 5) {
            nodes {
              code
              name
              policies {
                nodes {
                  consumerType
                  mode
                }
              }
            }
          }
        }
      }
      sharesProvided(first: 10) {
        nodes {
          mode
          validFrom
          consumer {
            name
          }
          dataItem {
            name
          }
        }
      }
    }
  }
`);

export interface Summary {
  organization: string;
  databases: number;
  /** Items per sharing mode, over the first databases' first items. */
  modes: Partial<Record<SharingMode, number>>;
  consumers: string[];
  /** The newest `updatedAt` among the databases read (a `DateTime`: RFC 3339 text). */
  updatedAt: string | null;
}

export async function summarize(client: Client, code: string): Promise<Summary> {
  const data = await execute(client, WhatOrganizationShares, { code });
  const org = data.organization;
  if (!org) throw new Error(`no organization ${code}`);
  const modes: Partial<Record<SharingMode, number>> = {};
  let updatedAt: string | null = null;
  for (const db of org.databases.nodes) {
    if (updatedAt === null || db.updatedAt > updatedAt) updatedAt = db.updatedAt;
    for (const item of db.items.nodes) {
      for (const policy of item.policies.nodes) {
        modes[policy.mode] = (modes[policy.mode] ?? 0) + 1;
      }
    }
  }
  const consumers = [...new Set(org.sharesProvided.nodes.map((s) => s.consumer.name))].sort();
  return { organization: org.name, databases: org.databases.totalCount, modes, consumers, updatedAt };
}

declare global {
  interface Window {
    sharegraphExample: (endpoint: string, code: string, token?: string) => Promise<Summary>;
  }
}

window.sharegraphExample = (endpoint, code, token) =>
  summarize({ endpoint, token, language: "vi" }, code);
