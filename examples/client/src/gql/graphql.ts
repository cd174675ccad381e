/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Kind of party that uses shared data (đối tượng khai thác, sử dụng). */
export type ConsumerType =
  /** An enterprise (doanh nghiệp). */
  | 'ENTERPRISE'
  /** An individual (cá nhân). */
  | 'INDIVIDUAL'
  /** A non-state organization (tổ chức). */
  | 'ORGANIZATION'
  /** Anyone, the general public (công chúng); used by sharing policies only. */
  | 'PUBLIC'
  /** A state agency (cơ quan nhà nước). */
  | 'STATE_AGENCY';

/** How a data item may be shared with a kind of consumer (hình thức chia sẻ). */
export type SharingMode =
  /** Default sharing: state agencies get it without asking (chia sẻ dữ liệu mặc định). */
  | 'DEFAULT'
  /** Not shared, with the legal basis for refusing (không chia sẻ). */
  | 'NOT_SHARED'
  /** Sharing on specific request: the consumer asks, the owner decides (chia sẻ theo yêu cầu đặc thù). */
  | 'ON_REQUEST'
  /** Open data, free for anyone to use (dữ liệu mở). */
  | 'OPEN';

export type WhatOrganizationSharesQueryVariables = Exact<{
  code: string;
}>;


export type WhatOrganizationSharesQuery = { organization: { name: string, databases: { totalCount: number, nodes: Array<{ name: string, updatedAt: string, items: { nodes: Array<{ code: string, name: string, policies: { nodes: Array<{ consumerType: ConsumerType, mode: SharingMode }> } }> } }> }, sharesProvided: { nodes: Array<{ mode: SharingMode, validFrom: string | null, consumer: { name: string }, dataItem: { name: string } | null }> } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const WhatOrganizationSharesDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<WhatOrganizationSharesQuery, WhatOrganizationSharesQueryVariables>;