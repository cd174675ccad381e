//! The catalogue as rows in the import's shape, headed and written in a language.

use super::*;

/// The inventory as rows of cells in [`columns`] order: every data item `caller` may see (of
/// `organization` only, when given), ordered by organization, database and item code.
/// At most `max_rows` rows (none: all): a larger export is refused with `LIMIT_EXCEEDED`
/// before anything is read.
/// The inventory as a file in `format`, headed and written in `lang`: its rows and bytes.
pub async fn export_file(
    db: &DatabaseConnection,
    caller: &Caller,
    organization: Option<i64>,
    max_rows: Option<u64>,
    format: Format,
    lang: Lang,
) -> Result<(usize, Vec<u8>)> {
    let mut rows = export(db, caller, organization, max_rows).await?;
    let mut header = columns();
    localize(&mut header, &mut rows, lang);
    let bytes = match format {
        Format::Csv => {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            sheet::write_csv(&header, &rows)
        }
        Format::Xlsx => workbook(&header, &rows, lang)
            .map_err(|e| Error::Internal(std::sync::Arc::new(sea_orm::DbErr::Custom(e))))?,
    };
    Ok((rows.len(), bytes))
}

pub async fn export(
    db: &DatabaseConnection,
    caller: &Caller,
    organization: Option<i64>,
    max_rows: Option<u64>,
) -> Result<Vec<Vec<String>>> {
    if let Some(max) = max_rows {
        let mut items = sea_orm::Condition::all().add(data_item::Entity::visible_to(caller));
        if let Some(org) = organization {
            items = items.add(data_item::Column::OwnerId.eq(org));
        }
        let rows = crate::domain::count::<data_item::Entity>(db, items).await?;
        if rows > max {
            return Err(Error::LimitExceeded(
                Text::key("inventory-too-many-rows")
                    .arg("rows", rows)
                    .arg("max", max),
            ));
        }
    }
    let mut databases = database::Entity::find().filter(database::Entity::visible_to(caller));
    if let Some(org) = organization {
        databases = databases.filter(database::Column::OwnerId.eq(org));
    }
    let databases: HashMap<i64, database::Model> = databases
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let mut owner_ids: Vec<i64> = databases.values().map(|d| d.owner_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners: HashMap<i64, String> =
        find_in::<organization::Entity, _>(db, organization::Column::Id, &owner_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    let mut items_query = data_item::Entity::find()
        .filter(data_item::Entity::visible_to(caller))
        .order_by_asc(data_item::Column::Id);
    if let Some(org) = organization {
        items_query = items_query.filter(data_item::Column::OwnerId.eq(org));
    }
    let items = items_query.all(db).await?;
    let mut policies: HashMap<i64, Vec<sharing_policy::Model>> = HashMap::new();
    let policy_rows = match organization {
        Some(_) => {
            let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
            find_in::<sharing_policy::Entity, _>(db, sharing_policy::Column::DataItemId, &ids)
                .await?
        }
        None => sharing_policy::Entity::find().all(db).await?,
    };
    for p in policy_rows {
        policies.entry(p.data_item_id).or_default().push(p);
    }
    let mut rows: Vec<(String, String, String, Vec<String>)> = Vec::new();
    for item in items {
        let Some(d) = databases.get(&item.database_id) else {
            continue;
        };
        let org = owners.get(&d.owner_id).cloned().unwrap_or_default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let mut cells = vec![
            org.clone(),
            d.code.clone(),
            d.name.clone(),
            text::enum_name(&d.kind),
            text::enum_name(&d.status),
            text::enum_name(&d.update_frequency),
            opt(&d.purpose),
            opt(&d.scope),
            opt(&d.content),
            opt(&d.collection_method),
            opt(&d.data_sources),
            opt(&d.legal_basis),
            opt(&d.usage_rules),
            item.code.clone(),
            item.name.clone(),
            opt(&item.description),
            yes(item.is_master_data),
            yes(item.is_shared_code_list),
            yes(item.is_personal_data),
        ];
        let own = policies.get(&item.id).map_or(&[][..], Vec::as_slice);
        let of = |c: ConsumerType| own.iter().find(|p| p.consumer_type == c);
        cells.extend(
            CONSUMERS
                .iter()
                .map(|(c, _)| of(*c).map(|p| text::enum_name(&p.mode)).unwrap_or_default()),
        );
        cells.extend(CONSUMERS.iter().map(|(c, _)| {
            of(*c)
                .and_then(|p| p.legal_basis.clone())
                .unwrap_or_default()
        }));
        cells.extend(CONSUMERS.iter().map(|(c, _)| {
            of(*c)
                .and_then(|p| p.conditions.clone())
                .unwrap_or_default()
        }));
        rows.push((org, d.code.clone(), item.code.clone(), cells));
    }
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    Ok(rows.into_iter().map(|(.., cells)| cells).collect())
}
