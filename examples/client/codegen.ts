// graphql-codegen's client preset over sharegraph's checked-in schema: one typed document per
// operation written with `graphql(...)` in src/. `documentMode: "string"` makes each document
// a plain string, so the client needs no GraphQL runtime: `fetch` is enough.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/gql/**/*"],
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        // The custom scalars travel as JSON text and values (see their @specifiedBy URLs).
        scalars: {
          DateTime: { input: "string", output: "string" },
          NaiveDate: { input: "string", output: "string" },
          JSON: {
            input: "Record<string, unknown>",
            output: "Record<string, unknown>",
          },
        },
        strictScalars: true,
      },
    },
  },
};

export default config;
