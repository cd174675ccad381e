/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query WhatOrganizationShares($code: String!) {\n    organization(code: $code) {\n      name\n      databases(first: 5) {\n        totalCount\n        nodes {\n          name\n          updatedAt\n          items(first: 5) {\n            nodes {\n              code\n              name\n              policies {\n                nodes {\n                  consumerType\n                  mode\n                }\n              }\n            }\n          }\n        }\n      }\n      sharesProvided(first: 10) {\n        nodes {\n          mode\n          validFrom\n          consumer {\n            name\n          }\n          dataItem {\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.WhatOrganizationSharesDocument,
};
const documents: Documents = {
    "\n  query WhatOrganizationShares($code: String!) {\n    organization(code: $code) {\n      name\n      databases(first: 5) {\n        totalCount\n        nodes {\n          name\n          updatedAt\n          items(first: 5) {\n            nodes {\n              code\n              name\n              policies {\n                nodes {\n                  consumerType\n                  mode\n                }\n              }\n            }\n          }\n        }\n      }\n      sharesProvided(first: 10) {\n        nodes {\n          mode\n          validFrom\n          consumer {\n            name\n          }\n          dataItem {\n            name\n          }\n        }\n      }\n    }\n  }\n": types.WhatOrganizationSharesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhatOrganizationShares($code: String!) {\n    organization(code: $code) {\n      name\n      databases(first: 5) {\n        totalCount\n        nodes {\n          name\n          updatedAt\n          items(first: 5) {\n            nodes {\n              code\n              name\n              policies {\n                nodes {\n                  consumerType\n                  mode\n                }\n              }\n            }\n          }\n        }\n      }\n      sharesProvided(first: 10) {\n        nodes {\n          mode\n          validFrom\n          consumer {\n            name\n          }\n          dataItem {\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').WhatOrganizationSharesDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
