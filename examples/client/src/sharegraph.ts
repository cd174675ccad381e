// A typed call to sharegraph's GraphQL endpoint: the document's result and variables types
// come from the generated code, so a query that does not match the schema fails `tsc`.
import type { TypedDocumentString } from "./gql/graphql";

export class GraphQLError extends Error {
  constructor(
    readonly errors: { message: string; extensions?: { code?: string } }[],
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; "));
  }
}

export interface Client {
  endpoint: string;
  /** A bearer token (`sharegraph token create`); the public view without one. */
  token?: string;
  /** `vi` or `en`: the language of error messages. */
  language?: string;
}

export async function execute<TResult, TVariables>(
  client: Client,
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
  };
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  if (client.language) headers["accept-language"] = client.language;
  const response = await fetch(client.endpoint, {
    method: "POST",
    headers,
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as {
    data?: TResult;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length) throw new GraphQLError(body.errors);
  if (body.data === undefined) throw new Error(`HTTP ${response.status} without data`);
  return body.data;
}
