//! Working days in Vietnam: deadlines skip weekends and public holidays. The fixed-date holidays
//! (Labour Code 2019, Art. 112) are known here; the lunar ones (Tết, Hùng Kings' day) and the
//! days the government adds or moves each year are stored in `holidays` by admins.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use entity::holiday::{ActiveModel, Column, Entity, Model};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::audit::{Change, snapshot};
use super::write::Tx;
use crate::access::Caller;
use crate::error::{Error, Result};
use crate::i18n::Text;

/// Public holidays on the same solar date every year.
pub const FIXED: [(u32, u32, &str); 4] = [
    (1, 1, "Tết Dương lịch"),
    (4, 30, "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (5, 1, "Ngày Quốc tế Lao động"),
    (9, 2, "Quốc khánh"),
];

/// Days off between two dates: weekends, the fixed holidays and the stored ones.
pub struct Calendar {
    extra: HashSet<NaiveDate>,
}

impl Calendar {
    pub fn new(extra: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            extra: extra.into_iter().collect(),
        }
    }

    /// The calendar with the holidays stored for the years around `from`.
    pub async fn load(db: &impl ConnectionTrait, from: NaiveDate) -> Result<Self> {
        let until = from + Days::new(400);
        let days = Entity::find()
            .filter(Column::Day.gte(from))
            .filter(Column::Day.lte(until))
            .all(db)
            .await?;
        Ok(Self::new(days.into_iter().map(|h| h.day)))
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && !FIXED
                .iter()
                .any(|(m, d, _)| day.month() == *m && day.day() == *d)
            && !self.extra.contains(&day)
    }

    /// The day `n` working days after `start` (the day the clock starts is not counted).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// The holidays of one year: the fixed ones and those stored, by date.
pub async fn of_year(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<(NaiveDate, String, bool)>> {
    let bad_year = || Error::bad_input("year", Text::key("year-range").arg("field", "year"));
    if !(2000..=2100).contains(&year) {
        return Err(bad_year());
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad_year)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad_year)?;
    let mut days: Vec<(NaiveDate, String, bool)> = FIXED
        .iter()
        .filter_map(|(m, d, name)| {
            NaiveDate::from_ymd_opt(year, *m, *d).map(|day| (day, (*name).to_owned(), true))
        })
        .collect();
    let stored = Entity::find()
        .filter(Column::Day.gte(first))
        .filter(Column::Day.lte(last))
        .order_by_asc(Column::Day)
        .all(db)
        .await?;
    days.extend(stored.into_iter().map(|h| (h.day, h.name, false)));
    days.sort_by_key(|(d, _, _)| *d);
    Ok(days)
}

/// Audit entries name a holiday by its day as a number, `20270217`.
fn holiday_id(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

/// Adds a holiday (or renames the one on that day), as an admin, in one audited transaction.
pub async fn add(
    db: &DatabaseConnection,
    caller: &Caller,
    day: NaiveDate,
    name: &str,
) -> Result<Model> {
    let name = super::text::required("input.name", name, super::text::MAX_NAME)?;
    let mut tx = Tx::begin(db, caller).await?;
    tx.require_admin()?;
    if FIXED
        .iter()
        .any(|(m, d, _)| day.month() == *m && day.day() == *d)
    {
        return Err(Error::conflict(Text::key("holiday-fixed").arg("day", day)));
    }
    let before = Entity::find_by_id(day).one(&tx.txn).await?;
    Entity::delete_by_id(day).exec(&tx.txn).await?;
    let model = ActiveModel {
        day: Set(day),
        name: Set(name),
        created_at: Set(Utc::now()),
    }
    .insert(&tx.txn)
    .await?;
    tx.record(Change {
        action: if before.is_some() { "UPDATE" } else { "CREATE" },
        entity_type: "Holiday",
        entity_id: holiday_id(day),
        organization: None,
        before: before.as_ref().map(snapshot),
        after: Some(snapshot(&model)),
    });
    tx.commit().await?;
    Ok(model)
}

/// Removes a stored holiday, as an admin; false when there was none.
pub async fn remove(db: &DatabaseConnection, caller: &Caller, day: NaiveDate) -> Result<bool> {
    let mut tx = Tx::begin(db, caller).await?;
    tx.require_admin()?;
    let Some(before) = Entity::find_by_id(day).one(&tx.txn).await? else {
        return Ok(false);
    };
    Entity::delete_by_id(day).exec(&tx.txn).await?;
    tx.record(Change {
        action: "DELETE",
        entity_type: "Holiday",
        entity_id: holiday_id(day),
        organization: None,
        before: Some(snapshot(&before)),
        after: None,
    });
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let cal = Calendar::new([d("2027-02-08"), d("2027-02-09")]);
        // Thursday + 2 working days: Friday, then Monday.
        assert_eq!(cal.add_working_days(d("2026-11-26"), 2), d("2026-11-30"));
        // Friday + 2: Monday, Tuesday.
        assert_eq!(cal.add_working_days(d("2026-11-27"), 2), d("2026-12-01"));
        // Across 30/4 and 1/5 (Thursday and Friday in 2026): Wednesday 29/4 + 2 → Tuesday 5/5.
        assert_eq!(cal.add_working_days(d("2026-04-29"), 2), d("2026-05-05"));
        // Across stored Tết days.
        assert_eq!(cal.add_working_days(d("2027-02-05"), 2), d("2027-02-11"));
        assert!(!cal.is_working_day(d("2026-09-02")));
        assert!(cal.is_working_day(d("2026-09-03")));
    }
}
