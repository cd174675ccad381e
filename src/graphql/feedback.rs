//! `Feedback`: the public's requests, error reports and suggestions on open data, their votes,
//! the organization's answers, and `openDataPriorities` (what to open next).

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{FeedbackKind, FeedbackStatus};
use entity::feedback;
use entity::open_dataset::Entity;
use entity::organization as org_entity;

use super::connection::{Conn, ListArgs, by_id, list, order_input, page_cost, related};
use super::context::ContextData;
use super::filter::{
    self, DateTimeFilter, EnumFilter, IdFilter, OrderField, SortDirection, WhereInput,
};
use super::ids::{self, Kind};
use super::loader::Scope;
use super::mutation::decode_opt;
use super::organization::Organization;
use crate::access::rate_limit::Key;
use crate::domain::open_data::{self as rules};
use crate::error::{Error, Result};
use crate::i18n::Text;

use super::open_data::OpenDataset;

pub struct Feedback(pub feedback::Model);

impl From<feedback::Model> for Feedback {
    fn from(m: feedback::Model) -> Self {
        Self(m)
    }
}

/// Feedback from the public on open data (ý kiến phản hồi): a request for new data, an error
/// report or a suggestion, with its votes and the organization's answer. Public, except the
/// contact address.
#[Object]
impl Feedback {
    /// The object's global id (opaque; `node(id:)` finds it again).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Feedback, self.0.id)
    }

    /// What the feedback is: a request for new open data, a report of a problem, or a suggestion.
    async fn kind(&self) -> FeedbackKind {
        self.0.kind
    }

    /// The organization asked to act.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Ok(Organization(
            related::<org_entity::Entity>(ctx, self.0.organization_id, "Organization").await?,
        ))
    }

    /// The open dataset it is about, if any.
    async fn open_dataset(&self, ctx: &Context<'_>) -> Result<Option<OpenDataset>> {
        Ok(match self.0.open_dataset_id {
            Some(id) => by_id::<Entity>(ctx, id).await?.map(OpenDataset),
            None => None,
        })
    }

    /// A short title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the sender wrote.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// How to reach the sender: shown only to the organization's members and admins.
    async fn contact_email(&self, ctx: &Context<'_>) -> Option<&str> {
        let caller = ctx.caller();
        let insider = caller.acts_for(self.0.organization_id);
        insider.then_some(self.0.contact_email.as_deref()).flatten()
    }

    /// Where the organization stands on it: new, under review, planned, done or declined.
    async fn status(&self) -> FeedbackStatus {
        self.0.status
    }

    /// The organization's answer, public.
    async fn answer(&self) -> Option<&str> {
        self.0.answer.as_deref()
    }

    /// When the organization last answered.
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }

    /// How many people voted for it: the open-data priorities are ranked by votes.
    async fn votes(&self) -> i32 {
        self.0.votes
    }

    /// Incremented by every update; pass it back as `expectedVersion` to refuse a write over someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the object was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the object last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Filter for feedback.
#[derive(InputObject, Debug, Default)]
pub struct FeedbackWhere {
    /// Filter on `kind`: what the feedback is.
    pub kind: Option<EnumFilter<FeedbackKind>>,
    /// Filter on `status`: where the organization stands on it.
    pub status: Option<EnumFilter<FeedbackStatus>>,
    /// Filter on the id of `organization`: The organization asked to act.
    pub organization_id: Option<IdFilter>,
    /// Filter on the id of `openDataset`: the open dataset it is about.
    pub open_dataset_id: Option<IdFilter>,
    /// Filter on `createdAt`: When the object was recorded.
    pub created_at: Option<DateTimeFilter>,
    /// Alternatives: an object that matches any of these passes too (each combined with the fields beside it by AND).
    pub or: Option<Vec<FeedbackWhere>>,
}

impl WhereInput for FeedbackWhere {
    fn fields(&self, caller: &crate::access::Caller) -> Result<sea_orm::Condition> {
        Ok(sea_orm::Condition::all()
            .add(filter::enumeration(
                "where.kind",
                feedback::Column::Kind,
                &self.kind,
            )?)
            .add(filter::enumeration(
                "where.status",
                feedback::Column::Status,
                &self.status,
            )?)
            .add(filter::id(
                "where.organizationId",
                feedback::Column::OrganizationId,
                Kind::Organization,
                &self.organization_id,
            )?)
            .add(filter::reference::<Entity, _>(
                "where.openDatasetId",
                feedback::Column::OpenDatasetId,
                Kind::OpenDataset,
                &self.open_dataset_id,
                caller,
            )?)
            .add(filter::time(feedback::Column::CreatedAt, &self.created_at)))
    }

    fn alternatives(&self) -> Option<&[Self]> {
        self.or.as_deref()
    }
}

/// Fields feedback can be sorted by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOrderField {
    /// By `votes`: how many people voted for it: the open-data priorities are ranked by votes.
    Votes,
    /// By `createdAt`: when the object was recorded.
    CreatedAt,
}

order_input!(FeedbackOrder, FeedbackOrderField);

impl OrderField<feedback::Entity> for FeedbackOrderField {
    fn column(self) -> feedback::Column {
        match self {
            Self::Votes => feedback::Column::Votes,
            Self::CreatedAt => feedback::Column::CreatedAt,
        }
    }
}

/// A list of feedback, most votes first by default (then the oldest: what has waited longest
/// among equals comes first).
pub(super) async fn list_feedback(
    ctx: &Context<'_>,
    scope: Scope<feedback::Entity>,
    filter: Option<FeedbackWhere>,
    order_by: Option<Vec<FeedbackOrder>>,
    page: (Option<i32>, Option<String>, Option<i32>, Option<String>),
) -> Result<Conn<Feedback>> {
    let (first, after, last, before) = page;
    let args = ListArgs::new(
        filter,
        order_by.or_else(by_votes),
        first,
        after,
        last,
        before,
    );
    list(ctx, scope, args, FeedbackOrderField::Votes).await
}

fn by_votes() -> Option<Vec<FeedbackOrder>> {
    Some(vec![
        FeedbackOrder {
            field: FeedbackOrderField::Votes,
            direction: SortDirection::Desc,
        },
        FeedbackOrder {
            field: FeedbackOrderField::CreatedAt,
            direction: SortDirection::Asc,
        },
    ])
}

/// Feedback from anyone; name the organization or the dataset it is about.
#[derive(InputObject)]
pub struct SubmitFeedbackInput {
    /// What the feedback is: a request for new open data, a report of a problem, or a suggestion.
    pub kind: FeedbackKind,
    /// The id of the organization asked to act (taken from the dataset when `openDatasetId` is given).
    pub organization_id: Option<ID>,
    /// The id of the open dataset it is about, if any.
    pub open_dataset_id: Option<ID>,
    /// A short title.
    pub title: String,
    /// What the sender writes.
    pub body: String,
    /// Seen only by the organization, to answer you.
    pub contact_email: Option<String>,
}

/// The organization's answer to feedback.
#[derive(InputObject)]
pub struct AnswerFeedbackInput {
    /// The id of the object this input acts on.
    pub id: ID,
    /// The `version` the change is based on; a different stored version is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Where the organization stands on it now.
    pub status: FeedbackStatus,
    /// Required for DONE and DECLINED.
    pub answer: Option<String>,
}

/// A vote for a piece of feedback (one per voter: a second is refused).
#[derive(InputObject)]
pub struct VoteFeedbackInput {
    /// The id of the object this input acts on.
    pub id: ID,
}

/// The feedback a mutation wrote.
#[derive(SimpleObject)]
pub struct FeedbackPayload {
    /// The feedback.
    pub feedback: Feedback,
}

/// Spends one of the caller's public writes for the hour, or refuses with `LIMIT_EXCEEDED`.
fn spend_public_write(ctx: &Context<'_>) -> Result<Key> {
    let key = ctx.data_opt::<Key>().cloned().unwrap_or(Key::Address(None));
    if let Err(wait) = ctx.rate_limits().check_feedback(&key) {
        return Err(Error::LimitExceeded(
            Text::key("feedback-rate").arg("seconds", wait.as_secs().max(1)),
        ));
    }
    Ok(key)
}

#[derive(Default)]
pub struct FeedbackQuery;

#[Object]
impl FeedbackQuery {
    /// All feedback, most voted first by default.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "where",
            desc = "Only the objects that match: fields combine with AND, `or` adds alternatives."
        )]
        filter: Option<FeedbackWhere>,
        #[graphql(
            desc = "Sort keys, the first deciding; ties are broken by id. Without it, the list's default order."
        )]
        order_by: Option<Vec<FeedbackOrder>>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
        #[graphql(desc = "At most this many from the end (before `before`, if given).")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `pageInfo.startCursor` or an edge's `cursor`)."
        )]
        before: Option<String>,
    ) -> Result<Conn<Feedback>> {
        list_feedback(
            ctx,
            Scope::all(),
            filter,
            order_by,
            (first, after, last, before),
        )
        .await
    }

    /// The public's requests for new open data still waiting for action (NEW, UNDER_REVIEW,
    /// PLANNED), ranked by votes, then by age (oldest first): what to open next.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn open_data_priorities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the feedback addressed to this organization.")]
        organization_id: Option<ID>,
        #[graphql(
            desc = "At most this many from the start (after `after`, if given): 20 unless said, at most SHAREGRAPH_MAX_PAGE_SIZE (100)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (a `pageInfo.endCursor` or an edge's `cursor`)."
        )]
        after: Option<String>,
    ) -> Result<Conn<Feedback>> {
        let filter = FeedbackWhere {
            kind: Some(EnumFilter {
                eq: Some(FeedbackKind::DataRequest),
                in_: None,
            }),
            status: Some(EnumFilter {
                eq: None,
                in_: Some(vec![
                    FeedbackStatus::New,
                    FeedbackStatus::UnderReview,
                    FeedbackStatus::Planned,
                ]),
            }),
            organization_id: organization_id.map(|id| IdFilter {
                eq: Some(id),
                ..Default::default()
            }),
            ..Default::default()
        };
        list_feedback(
            ctx,
            Scope::all(),
            Some(filter),
            None,
            (first, after, None, None),
        )
        .await
    }
}

#[derive(Default)]
pub struct FeedbackMutation;

#[Object]
impl FeedbackMutation {
    /// Sends feedback on open data; anyone may, a limited number of times per hour.
    async fn submit_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The feedback; anyone may send it, without a token.")]
        input: SubmitFeedbackInput,
    ) -> Result<FeedbackPayload> {
        let submission = rules::Submission {
            kind: input.kind,
            organization_id: decode_opt(
                "input.organizationId",
                &input.organization_id,
                Kind::Organization,
            )?,
            open_dataset_id: decode_opt(
                "input.openDatasetId",
                &input.open_dataset_id,
                Kind::OpenDataset,
            )?,
            title: input.title,
            body: input.body,
            contact_email: input.contact_email,
        };
        spend_public_write(ctx)?;
        let model = rules::submit(ctx.db(), ctx.caller(), submission).await?;
        Ok(FeedbackPayload {
            feedback: Feedback(model),
        })
    }

    /// Votes for feedback still open; one vote per token (or per address for the public).
    async fn vote_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The feedback to vote for.")] input: VoteFeedbackInput,
    ) -> Result<FeedbackPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Feedback)?;
        let key = spend_public_write(ctx)?;
        let voter = match key {
            Key::Token(t) => format!("token:{t}"),
            Key::Address(Some(a)) => format!("address:{a}"),
            Key::Address(None) => "address:unknown".to_owned(),
        };
        let model = rules::vote(ctx.db(), ctx.caller(), &voter, id).await?;
        Ok(FeedbackPayload {
            feedback: Feedback(model),
        })
    }

    /// Answers feedback and sets its status, as the organization's steward.
    async fn answer_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The feedback, its new status and the answer.")]
        input: AnswerFeedbackInput,
    ) -> Result<FeedbackPayload> {
        let id = ids::decode_as("input.id", &input.id, Kind::Feedback)?;
        let model = rules::answer(
            ctx.db(),
            ctx.caller(),
            id,
            input.expected_version,
            input.status,
            input.answer,
        )
        .await?;
        Ok(FeedbackPayload {
            feedback: Feedback(model),
        })
    }
}
