//! Catalogue releases (ban hành danh mục): an organization's published catalogue frozen as an
//! immutable snapshot with the decision that issued it, the difference between two releases,
//! periodic reviews, and what is overdue for review.
//!
//! A release holds the catalogue as the public reads it: the organization's databases, the
//! data items it shares with someone (with their mode per consumer type and the services that
//! provide them) and its published services. Rows are keyed by id in the snapshot, so a renamed
//! or recoded item shows as changed, not as removed and added.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate, Utc};
use entity::catalogue_release::{ActiveModel, Column, Entity, Model};
use entity::catalogue_review;
use entity::enums::{OverdueReviewKind, ReviewScope, ServiceStatus, SharingMode};
use entity::{
    data_item, data_service, data_service_item, database, open_dataset, organization,
    sharing_policy,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use super::audit::{Change, snapshot};
use super::write::Tx;
use super::{Record, require, text};
use crate::access::Caller;
use crate::access::visibility::Reach;
use crate::error::{Error, Result};
use crate::i18n::Text;

const NAME: &str = "CatalogueRelease";

/// The default-sharing list must be reviewed at least this often (Decree 47/2020 as amended).
pub const DEFAULT_SHARING_REVIEW_MONTHS: u32 = 6;
/// The list of open data must be reviewed at least this often.
pub const OPEN_DATA_REVIEW_MONTHS: u32 = 6;
/// Open data must be refreshed within this many months of its last publication or refresh.
pub const OPEN_DATA_REFRESH_MONTHS: u32 = 3;

/// What a steward publishes.
#[derive(Debug, Clone)]
pub struct Publication {
    pub organization_id: i64,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub signer: String,
    pub note: Option<String>,
}

/// Freezes the organization's catalogue as its next release; the next review falls due
/// `cadence_months` after the decision.
pub async fn publish(
    db: &DatabaseConnection,
    caller: &Caller,
    p: Publication,
    cadence_months: u32,
) -> Result<Model> {
    let decision_number = text::required("input.decisionNumber", &p.decision_number, 200)?;
    let signer = text::required("input.signer", &p.signer, text::MAX_NAME)?;
    let note = text::optional("input.note", p.note.as_deref(), text::MAX_TEXT)?;

    let mut tx = Tx::begin(db, caller).await?;
    let org =
        require::<organization::Entity>(&tx.txn, caller, "input.organizationId", p.organization_id)
            .await?;
    tx.require_writer(org.id)?;
    // The number and date of the latest release, not its (large) snapshot.
    let previous: Option<(i32, NaiveDate)> = Entity::find()
        .select_only()
        .column(Column::Number)
        .column(Column::DecidedOn)
        .filter(Column::OrganizationId.eq(org.id))
        .order_by_desc(Column::Number)
        .into_tuple()
        .one(&tx.txn)
        .await?;
    if let Some((number, decided_on)) = previous
        && p.decided_on < decided_on
    {
        return Err(Error::bad_input(
            "input.decidedOn",
            Text::key("release-decided-earlier")
                .arg("number", number)
                .arg("date", decided_on),
        ));
    }
    let catalogue = freeze(&tx.txn, org.id).await?;
    let count = |k: &str| catalogue[k].as_array().map_or(0, |a| a.len() as i32);
    let next_review_due = p
        .decided_on
        .checked_add_months(Months::new(cadence_months))
        .ok_or_else(|| Error::bad_input("input.decidedOn", Text::key("date-out-of-range")))?;
    let now = Utc::now();
    let model = ActiveModel {
        organization_id: Set(org.id),
        number: Set(previous.map_or(1, |(n, _)| n + 1)),
        decision_number: Set(decision_number),
        decided_on: Set(p.decided_on),
        signer: Set(signer),
        note: Set(note),
        database_count: Set(count("databases")),
        item_count: Set(count("items")),
        service_count: Set(count("services")),
        snapshot: Set(catalogue.to_string()),
        next_review_due: Set(next_review_due),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    // The log keeps the snapshot's hash, not the snapshot: enough to prove it never changed.
    let mut after = snapshot(&model);
    after["snapshot"] = json!(hex::encode(Sha256::digest(model.snapshot.as_bytes())));
    tx.record(Change {
        action: "PUBLISH",
        entity_type: NAME,
        entity_id: model.id,
        organization: Some(org.id),
        before: None,
        after: Some(after),
    });
    tx.commit().await?;
    Ok(model)
}

/// A row as it goes into a snapshot: its columns without the bookkeeping ones.
fn entry<M: sea_orm::ModelTrait>(model: &M) -> serde_json::Map<String, Json> {
    let Json::Object(mut map) = snapshot(model) else {
        unreachable!("a row snapshots as an object")
    };
    for key in [
        "version",
        "created_at",
        "updated_at",
        "published",
        "owner_id",
    ] {
        map.remove(key);
    }
    map
}

/// The organization's published catalogue as JSON `{databases, items, services}`.
async fn freeze(txn: &DatabaseTransaction, org: i64) -> Result<Json> {
    let databases = database::Entity::find()
        .filter(database::Column::OwnerId.eq(org))
        .order_by_asc(database::Column::Id)
        .all(txn)
        .await?;
    let db_codes: BTreeMap<i64, String> =
        databases.iter().map(|d| (d.id, d.code.clone())).collect();
    let items = data_item::Entity::find()
        .filter(data_item::Column::OwnerId.eq(org))
        .filter(data_item::Column::Published.eq(true))
        .order_by_asc(data_item::Column::Id)
        .all(txn)
        .await?;
    let item_ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut modes: BTreeMap<i64, serde_json::Map<String, Json>> = BTreeMap::new();
    for chunk in item_ids.chunks(10_000) {
        for p in sharing_policy::Entity::find()
            .filter(sharing_policy::Column::DataItemId.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            modes.entry(p.data_item_id).or_default().insert(
                text::enum_name(&p.consumer_type),
                json!(text::enum_name(&p.mode)),
            );
        }
    }
    let services = data_service::Entity::find()
        .filter(data_service::Column::ProviderId.eq(org))
        .filter(
            data_service::Column::Status
                .is_in([ServiceStatus::Published, ServiceStatus::Deprecated]),
        )
        .order_by_asc(data_service::Column::Id)
        .all(txn)
        .await?;
    let service_codes: BTreeMap<i64, String> =
        services.iter().map(|s| (s.id, s.code.clone())).collect();
    let mut provided_by: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    if !services.is_empty() {
        for link in data_service_item::Entity::find()
            .filter(data_service_item::Column::ServiceId.is_in(service_codes.keys().copied()))
            .order_by_asc(data_service_item::Column::ServiceId)
            .all(txn)
            .await?
        {
            provided_by
                .entry(link.data_item_id)
                .or_default()
                .push(service_codes[&link.service_id].clone());
        }
    }
    let items: Vec<Json> = items
        .iter()
        .map(|i| {
            let mut e = entry(i);
            e.insert("database_code".into(), json!(db_codes.get(&i.database_id)));
            e.insert(
                "modes".into(),
                Json::Object(modes.remove(&i.id).unwrap_or_default()),
            );
            e.insert(
                "services".into(),
                json!(provided_by.remove(&i.id).unwrap_or_default()),
            );
            Json::Object(e)
        })
        .collect();
    let databases: Vec<Json> = databases
        .iter()
        .map(|d| {
            let mut e = entry(d);
            e.remove(HOSTED_ON);
            Json::Object(e)
        })
        .collect();
    Ok(json!({
        "databases": databases,
        "items": items,
        "services": services.iter().map(|s| Json::Object(entry(s))).collect::<Vec<_>>(),
    }))
}

/// A database's information system: systems are the agencies' infrastructure, hidden from the
/// public, so a (public) release does not name them.
const HOSTED_ON: &str = "system_id";

/// A stored snapshot as it is shown: releases frozen before systems were left out still hold
/// their ids, which are dropped on reading (the stored text stays as its audited hash proves).
pub fn shown(mut snapshot: Json) -> Json {
    if let Some(databases) = snapshot["databases"].as_array_mut() {
        for d in databases {
            if let Some(d) = d.as_object_mut() {
                d.remove(HOSTED_ON);
            }
        }
    }
    snapshot
}

/// The sections of a snapshot, in the order a diff reports them.
pub const SECTIONS: [&str; 3] = ["databases", "items", "services"];

/// How one section of the catalogue changed between two releases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionDiff {
    pub added: Vec<Json>,
    pub removed: Vec<Json>,
    pub changed: Vec<EntryChange>,
}

/// A row in both releases whose fields differ.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryChange {
    pub before: Json,
    pub after: Json,
    /// The fields that differ, sorted.
    pub fields: Vec<String>,
}

/// What changed in `section` from `old` to `new` (rows matched by id).
pub fn diff_section(old: &Json, new: &Json, section: &str) -> SectionDiff {
    let rows = |s: &Json| -> BTreeMap<i64, Json> {
        s[section]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["id"].as_i64()?, r.clone())))
            .collect()
    };
    let (old, new) = (rows(old), rows(new));
    let mut diff = SectionDiff::default();
    for (id, after) in &new {
        match old.get(id) {
            None => diff.added.push(after.clone()),
            Some(before) if before != after => {
                let keys: std::collections::BTreeSet<&String> = before
                    .as_object()
                    .into_iter()
                    .chain(after.as_object())
                    .flat_map(|m| m.keys())
                    .collect();
                let fields = keys
                    .into_iter()
                    .filter(|k| before.get(k.as_str()) != after.get(k.as_str()))
                    .cloned()
                    .collect();
                diff.changed.push(EntryChange {
                    before: before.clone(),
                    after: after.clone(),
                    fields,
                });
            }
            Some(_) => {}
        }
    }
    diff.removed = old
        .into_iter()
        .filter(|(id, _)| !new.contains_key(id))
        .map(|(_, r)| r)
        .collect();
    diff
}

/// A review of a catalogue or of its default-sharing list, as a steward records it.
#[derive(Debug, Clone)]
pub struct ReviewFields {
    pub organization_id: i64,
    pub scope: ReviewScope,
    pub reviewed_on: NaiveDate,
    pub reviewer: String,
    pub decision_number: Option<String>,
    pub outcome: Option<String>,
}

pub struct CatalogueReview;

impl Record for CatalogueReview {
    type Entity = catalogue_review::Entity;
    type Active = catalogue_review::ActiveModel;
    type Fields = ReviewFields;
    type Valid = ReviewFields;
    const NAME: &'static str = "CatalogueReview";

    fn fields(m: &catalogue_review::Model) -> ReviewFields {
        ReviewFields {
            organization_id: m.organization_id,
            scope: m.scope,
            reviewed_on: m.reviewed_on,
            reviewer: m.reviewer.clone(),
            decision_number: m.decision_number.clone(),
            outcome: m.outcome.clone(),
        }
    }

    async fn owner(_: &DatabaseTransaction, m: &catalogue_review::Model) -> Result<i64> {
        Ok(m.organization_id)
    }

    async fn validate(
        txn: &DatabaseTransaction,
        caller: &Caller,
        _: Option<&catalogue_review::Model>,
        f: ReviewFields,
    ) -> Result<ReviewFields> {
        require::<organization::Entity>(txn, caller, "input.organizationId", f.organization_id)
            .await?;
        if f.reviewed_on > super::today() {
            return Err(Error::bad_input(
                "input.reviewedOn",
                Text::key("review-in-future"),
            ));
        }
        Ok(ReviewFields {
            reviewer: text::required("input.reviewer", &f.reviewer, text::MAX_NAME)?,
            decision_number: text::optional(
                "input.decisionNumber",
                f.decision_number.as_deref(),
                200,
            )?,
            outcome: text::optional("input.outcome", f.outcome.as_deref(), text::MAX_TEXT)?,
            ..f
        })
    }

    fn assign(a: &mut catalogue_review::ActiveModel, f: ReviewFields) {
        a.organization_id = Set(f.organization_id);
        a.scope = Set(f.scope);
        a.reviewed_on = Set(f.reviewed_on);
        a.reviewer = Set(f.reviewer);
        a.decision_number = Set(f.decision_number);
        a.outcome = Set(f.outcome);
    }

    async fn references(
        _: &DatabaseTransaction,
        _: &Caller,
        _: &catalogue_review::Model,
    ) -> Result<Vec<(u64, &'static str)>> {
        Ok(Vec::new())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub kind: OverdueReviewKind,
    pub organization: i64,
    pub open_dataset: Option<i64>,
    /// When it was last reviewed (or published, or refreshed); `None` if never.
    pub last_done: Option<NaiveDate>,
    /// When it fell due; `None` if it was never done at all.
    pub due_on: Option<NaiveDate>,
}

fn plus_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Latest date per organization from `(organization, date)` rows.
fn latest(rows: impl IntoIterator<Item = (i64, NaiveDate)>, into: &mut BTreeMap<i64, NaiveDate>) {
    for (org, day) in rows {
        let slot = into.entry(org).or_insert(day);
        *slot = (*slot).max(day);
    }
}

/// Everything overdue for review on `on`, within the caller's reach: catalogues whose last
/// release or review is older than the cadence, default-sharing lists not reviewed (by a
/// release or a review of that scope) within six months, lists of open data not reviewed within
/// six months of the first publication or the last review, and published open datasets not
/// refreshed within three months. Sorted by organization, then kind.
pub async fn overdue(
    db: &impl ConnectionTrait,
    reach: &Reach,
    organization: Option<i64>,
    on: NaiveDate,
    cadence_months: u32,
) -> Result<Vec<Overdue>> {
    let scope: Option<Vec<i64>> = match (reach, organization) {
        (Reach::Nothing, _) => return Ok(Vec::new()),
        (Reach::Organizations(mine), Some(asked)) if !mine.contains(&asked) => {
            return Ok(Vec::new());
        }
        (Reach::Organizations(_), Some(asked)) => Some(vec![asked]),
        (Reach::Organizations(mine), None) => Some(mine.clone()),
        (Reach::All, asked) => asked.map(|a| vec![a]),
    };
    let in_scope = |col: Expr| match &scope {
        Some(orgs) => Condition::all().add(sea_orm::sea_query::ExprTrait::is_in(
            col,
            orgs.iter().copied(),
        )),
        None => Condition::all(),
    };

    let releases: Vec<(i64, Option<NaiveDate>)> = Entity::find()
        .select_only()
        .column(Column::OrganizationId)
        .column_as(Column::DecidedOn.max(), "last")
        .filter(in_scope(Expr::col(Column::OrganizationId)))
        .group_by(Column::OrganizationId)
        .into_tuple()
        .all(db)
        .await?;
    let releases: Vec<(i64, NaiveDate)> = releases
        .into_iter()
        .filter_map(|(o, d)| Some((o, d?)))
        .collect();
    let reviews: Vec<(i64, ReviewScope, Option<NaiveDate>)> = catalogue_review::Entity::find()
        .select_only()
        .column(catalogue_review::Column::OrganizationId)
        .column(catalogue_review::Column::Scope)
        .column_as(catalogue_review::Column::ReviewedOn.max(), "last")
        .filter(in_scope(Expr::col(
            catalogue_review::Column::OrganizationId,
        )))
        .group_by(catalogue_review::Column::OrganizationId)
        .group_by(catalogue_review::Column::Scope)
        .into_tuple()
        .all(db)
        .await?;
    let reviewed = |wanted: ReviewScope| {
        reviews
            .iter()
            .filter(move |(_, s, _)| *s == wanted)
            .filter_map(|(o, _, d)| Some((*o, (*d)?)))
    };
    let mut out = Vec::new();

    // A catalogue is reviewed by a new release or by a recorded review.
    let mut catalogue = BTreeMap::new();
    latest(releases.iter().copied(), &mut catalogue);
    latest(reviewed(ReviewScope::Catalogue), &mut catalogue);
    for (&org, &last) in &catalogue {
        let due = plus_months(last, cadence_months);
        if due < on {
            out.push(Overdue {
                kind: OverdueReviewKind::Catalogue,
                organization: org,
                open_dataset: None,
                last_done: Some(last),
                due_on: Some(due),
            });
        }
    }

    // Organizations that share something by default must review that list.
    let sharing_by_default: Vec<i64> = data_item::Entity::find()
        .select_only()
        .column(data_item::Column::OwnerId)
        .distinct()
        .filter(in_scope(Expr::col(data_item::Column::OwnerId)))
        .filter(
            data_item::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(sharing_policy::Column::DataItemId)
                    .from(sharing_policy::Entity)
                    .and_where(sharing_policy::Column::Mode.eq(SharingMode::Default))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut default_list = BTreeMap::new();
    latest(releases.iter().copied(), &mut default_list);
    latest(reviewed(ReviewScope::DefaultSharing), &mut default_list);
    for org in sharing_by_default {
        let last = default_list.get(&org).copied();
        let due = last.map(|d| plus_months(d, DEFAULT_SHARING_REVIEW_MONTHS));
        if due.is_none_or(|d| d < on) {
            out.push(Overdue {
                kind: OverdueReviewKind::DefaultSharing,
                organization: org,
                open_dataset: None,
                last_done: last,
                due_on: due,
            });
        }
    }

    let datasets = open_dataset::Entity::find()
        .filter(in_scope(Expr::col(open_dataset::Column::OrganizationId)))
        .filter(open_dataset::Column::PublishedOn.is_not_null())
        .all(db)
        .await?;
    // An organization publishing open data reviews that list; the clock starts at its first
    // publication.
    let mut first_published: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for d in &datasets {
        if let Some(p) = d.published_on {
            let slot = first_published.entry(d.organization_id).or_insert(p);
            *slot = (*slot).min(p);
        }
    }
    let mut open_list = BTreeMap::new();
    latest(reviewed(ReviewScope::OpenData), &mut open_list);
    for (&org, &since) in &first_published {
        let last = open_list.get(&org).copied();
        let due = plus_months(last.unwrap_or(since), OPEN_DATA_REVIEW_MONTHS);
        if due < on {
            out.push(Overdue {
                kind: OverdueReviewKind::OpenDataList,
                organization: org,
                open_dataset: None,
                last_done: last,
                due_on: Some(due),
            });
        }
    }

    for d in datasets {
        let Some(last) = d.refreshed_on.max(d.published_on) else {
            continue;
        };
        let due = plus_months(last, OPEN_DATA_REFRESH_MONTHS);
        if due < on {
            out.push(Overdue {
                kind: OverdueReviewKind::OpenDataset,
                organization: d.organization_id,
                open_dataset: Some(d.id),
                last_done: Some(last),
                due_on: Some(due),
            });
        }
    }
    out.sort_by_key(|o| (o.organization, o.kind, o.open_dataset));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_frozen_with_system_ids_are_shown_without_them() {
        let stored = json!({
            "databases": [{ "id": 1, "code": "DB-DATDAI", "system_id": 7 }],
            "items": [{ "id": 2, "system_id": "an item field of the same name stays" }],
            "services": [],
        });
        let shown = shown(stored);
        assert_eq!(
            shown["databases"],
            json!([{ "id": 1, "code": "DB-DATDAI" }])
        );
        assert_eq!(
            shown["items"][0]["system_id"],
            "an item field of the same name stays"
        );
    }

    #[test]
    fn diff_matches_rows_by_id_and_names_changed_fields() {
        let old = json!({"items": [
            {"id": 1, "code": "A", "name": "Họ và tên", "modes": {"STATE_AGENCY": "DEFAULT"}},
            {"id": 2, "code": "B", "name": "Ngày sinh"},
        ]});
        let new = json!({"items": [
            {"id": 1, "code": "A1", "name": "Họ và tên", "modes": {"STATE_AGENCY": "OPEN"}},
            {"id": 3, "code": "C", "name": "Nơi thường trú"},
        ]});
        let d = diff_section(&old, &new, "items");
        assert_eq!(d.added, vec![new["items"][1].clone()]);
        assert_eq!(d.removed, vec![old["items"][1].clone()]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].fields, vec!["code", "modes"]);
        assert_eq!(diff_section(&old, &old, "items"), SectionDiff::default());
    }
}
