//! Conversions between stored text and domain values, in one place: ISO dates and instants,
//! JSON arrays, RAG words; and the batch writer that moves many rows into a table at once.

use std::borrow::Cow;
use std::io::Write as _;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::{Any, AssertSqlSafe, Transaction};
use waymark_core::{Classification, FlexDate, PlanKind, Rag, Tag, UpdateCycle};

use crate::Backend;
use crate::error::{Result, StoreError};

/// "2015-01-23". Written without a format string: imports call this for every row.
pub fn date_text(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

pub fn parse_day(text: &str) -> Result<NaiveDate> {
    // The stored form is always YYYY-MM-DD; reading it by position is several times faster than
    // chrono's format parser, and every history read parses thousands of dates.
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = text.get(range)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let bytes = text.as_bytes();
    let fast = (bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-')
        .then(|| {
            let year = i32::try_from(number(0..4)?).ok()?;
            NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
        })
        .flatten();
    fast.or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .ok_or_else(|| StoreError::Corrupt(format!("date {text:?}")))
}

/// Fixed width so instants sort correctly as text on both backends.
pub fn instant_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("instant {text:?}")))
}

pub fn strings_json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

pub fn parse_strings(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt(format!("list {text:?}")))
}

pub fn tags_json(tags: &[Tag]) -> String {
    let pairs: Vec<[&str; 2]> = tags
        .iter()
        .map(|t| [t.taxonomy.as_str(), t.value.as_str()])
        .collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

pub fn parse_tags(text: &str) -> Result<Vec<Tag>> {
    let pairs: Vec<[String; 2]> =
        serde_json::from_str(text).map_err(|_| StoreError::Corrupt(format!("tags {text:?}")))?;
    Ok(pairs
        .into_iter()
        .map(|[taxonomy, value]| Tag { taxonomy, value })
        .collect())
}

pub fn parse_rag(text: Option<String>) -> Result<Option<Rag>> {
    text.map(|word| {
        word.parse::<Rag>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    })
    .transpose()
}

pub fn parse_marking(text: Option<String>) -> Option<Classification> {
    text.and_then(|word| Classification::parse(&word))
}

/// A plan's marking, which is always set.
pub fn parse_classification(text: &str) -> Result<Classification> {
    Classification::parse(text).ok_or_else(|| StoreError::Corrupt(format!("marking {text:?}")))
}

pub fn flex_date(date: Option<String>, written: Option<String>) -> Result<Option<FlexDate>> {
    date.map(|d| {
        Ok(FlexDate {
            date: parse_day(&d)?,
            written,
        })
    })
    .transpose()
}

pub fn parse_cycle(text: &str) -> Result<UpdateCycle> {
    UpdateCycle::parse(text).ok_or_else(|| StoreError::Corrupt(format!("update cycle {text:?}")))
}

pub fn parse_kind(text: &str) -> PlanKind {
    PlanKind::parse(text)
}

/// Appends `(…), (…)` placeholders for a multi-row INSERT. SQLite gets anonymous `?`: sqlx
/// binds `$N` there by looking each name up in a list of all the statement's names, which makes
/// a 4,000-parameter batch quadratic (89 s against 4.5 s for 700,000 rows). PostgreSQL needs
/// `$N`.
pub fn push_placeholders(sql: &mut String, backend: crate::Backend, rows: usize, columns: usize) {
    let mut n = 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                crate::Backend::Sqlite => sql.push('?'),
                crate::Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            n += 1;
        }
        sql.push(')');
    }
}

/// Rows per INSERT of `insert_rows`: a few megabytes of JSON text per statement.
pub const BATCH_ROWS: usize = 10_000;

/// What a column holds, so PostgreSQL can be told the type of text taken out of JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
}

/// One column of a table that `insert_rows` writes.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

pub const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int,
    }
}

pub const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}

/// One value of a row to insert.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Text(Cow<'a, str>),
}

impl<'a> Cell<'a> {
    pub fn opt_int(value: Option<i64>) -> Self {
        value.map_or(Cell::Null, Cell::Int)
    }

    pub fn str(value: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(value))
    }

    pub fn opt_str(value: Option<&'a str>) -> Self {
        value.map_or(Cell::Null, Cell::str)
    }

    pub fn string(value: String) -> Self {
        Cell::Text(Cow::Owned(value))
    }

    pub fn opt_string(value: Option<String>) -> Self {
        value.map_or(Cell::Null, Cell::string)
    }
}

/// Rows for one table, held flat: `columns.len()` cells per row.
pub struct Rows<'a> {
    columns: &'static [Column],
    cells: Vec<Cell<'a>>,
}

impl<'a> Rows<'a> {
    pub fn new(columns: &'static [Column], capacity: usize) -> Self {
        Rows {
            columns,
            cells: Vec::with_capacity(capacity * columns.len()),
        }
    }

    /// Appends a row; its cells are in the order of the columns.
    pub fn push(&mut self, row: impl IntoIterator<Item = Cell<'a>>) -> Result<()> {
        let before = self.cells.len();
        self.cells.extend(row);
        let width = self.cells.len() - before;
        if width != self.columns.len() {
            self.cells.truncate(before);
            return Err(StoreError::Invalid(format!(
                "a row of {width} cells for {} columns",
                self.columns.len()
            )));
        }
        Ok(())
    }
}

/// Inserts `rows` into `table` inside the caller's transaction, ignoring rows that conflict with
/// an existing key when `ignore_conflicts` is set.
pub async fn insert_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    table: &'static str,
    rows: Rows<'_>,
    ignore_conflicts: bool,
) -> Result<()> {
    run_pipelined(tx, rows.into_batches(backend, table, ignore_conflicts)).await
}

/// Runs `batches` in order inside the caller's transaction, making each batch while the
/// database runs the one before. SQLite runs a statement on sqlx's worker thread, so the rows
/// of the next batch are encoded on one core while SQLite writes on the other; a large import
/// spends about as long in each.
pub async fn run_pipelined(
    tx: &mut Transaction<'_, Any>,
    batches: impl Iterator<Item = Result<Batch>> + Send,
) -> Result<()> {
    run_pipelined_counted(tx, batches, &mut |_| Ok(())).await
}

/// [`run_pipelined`], telling `written` how many rows each batch wrote once it has run; an
/// error from it stops the writes there (the caller's transaction is then rolled back).
pub async fn run_pipelined_counted(
    tx: &mut Transaction<'_, Any>,
    mut batches: impl Iterator<Item = Result<Batch>> + Send,
    written: &mut (dyn FnMut(usize) -> Result<()> + Send),
) -> Result<()> {
    let mut current = batches.next().transpose()?;
    while let Some(batch) = current {
        let rows = batch.rows();
        // `join!` polls the statement first, which hands it to the database, and only then
        // makes the next batch.
        let (ran, next) = tokio::join!(batch.run(tx), async { batches.next().transpose() });
        ran?;
        written(rows)?;
        current = next?;
    }
    Ok(())
}

/// The batches a lazily made set of rows gives: `make` runs only when the first batch is asked
/// for, so one table's rows are built while the database writes the table before.
pub fn made_when_needed<'a>(
    make: impl FnOnce() -> Result<Batches<'a>> + Send + 'a,
) -> impl Iterator<Item = Result<Batch>> + Send + 'a {
    std::iter::once_with(make).flat_map(|made| {
        let (batches, failed) = match made {
            Ok(batches) => (Some(batches), None),
            Err(error) => (None, Some(Err(error))),
        };
        batches.into_iter().flatten().chain(failed)
    })
}

/// One multi-row INSERT, ready to run.
///
/// Its rows go to the database as one JSON array of arrays, unpacked by the database itself
/// (`jsonb_each` on SQLite, `jsonb_array_elements` on PostgreSQL): binding every value
/// through sqlx costs more than the database's own insert. A column that holds the same value
/// in every row of a batch (the plan, the entry time, an empty description) is bound once
/// instead, because taking a value out of JSON is most of SQLite's cost per row.
pub struct Batch {
    sql: String,
    bound: Vec<Bound>,
    json: String,
    /// How many rows it inserts, for a large write's progress.
    rows: usize,
}

/// A value bound once for a whole batch.
enum Bound {
    /// A NULL of the column's own type: PostgreSQL prepares a statement once with each
    /// parameter's type, so a NULL bound as text where the same statement later binds an
    /// integer would make that integer arrive as text bytes.
    NullInt,
    NullText,
    Int(i64),
    Text(String),
}

impl Batch {
    /// How many rows the INSERT writes.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The INSERT, its parameters anonymous (`?`) on SQLite.
    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// How many parameters the INSERT takes: its values bound once, then the JSON of its rows.
    pub(crate) fn anonymous_parameters(&self) -> usize {
        self.bound.len() + 1
    }

    /// Binds the INSERT's parameters to `query`, after any it already has.
    pub(crate) fn bind<'q>(
        self,
        mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
        for value in self.bound {
            query = match value {
                Bound::NullInt => query.bind(None::<i64>),
                Bound::NullText => query.bind(None::<String>),
                Bound::Int(n) => query.bind(n),
                Bound::Text(text) => query.bind(text),
            };
        }
        query.bind(self.json)
    }

    /// Runs the batch and then, in the same round trip, `then` (SQLite only: statements whose
    /// `?` parameters come after the batch's, bound to `then_binds` in order).
    pub(crate) async fn run_then(
        self,
        tx: &mut Transaction<'_, Any>,
        then: &str,
        then_binds: &[String],
    ) -> Result<()> {
        let sql = format!("{}; {then}", self.sql);
        let mut query = self.bind(sqlx::query(AssertSqlSafe(sql)));
        for value in then_binds {
            query = query.bind(value.clone());
        }
        query.execute(&mut **tx).await?;
        Ok(())
    }

    pub(crate) async fn run(self, tx: &mut Transaction<'_, Any>) -> Result<()> {
        let sql = self.sql.clone();
        self.bind(sqlx::query(AssertSqlSafe(sql)))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// The rows of one table as batches of `BATCH_ROWS`, each encoded when asked for.
pub struct Batches<'a> {
    rows: Rows<'a>,
    backend: Backend,
    table: &'static str,
    ignore_conflicts: bool,
    /// Cells already handed out as batches.
    done: usize,
}

impl<'a> Rows<'a> {
    pub fn into_batches(
        self,
        backend: Backend,
        table: &'static str,
        ignore_conflicts: bool,
    ) -> Batches<'a> {
        Batches {
            rows: self,
            backend,
            table,
            ignore_conflicts,
            done: 0,
        }
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Result<Batch>> {
        let width = self.rows.columns.len();
        if width == 0 || self.done >= self.rows.cells.len() {
            return None;
        }
        let end = (self.done + BATCH_ROWS * width).min(self.rows.cells.len());
        let batch = &self.rows.cells[self.done..end];
        self.done = end;
        Some(encode_batch(
            self.backend,
            self.table,
            self.rows.columns,
            batch,
            self.ignore_conflicts,
        ))
    }
}

fn encode_batch(
    backend: Backend,
    table: &str,
    columns: &[Column],
    batch: &[Cell<'_>],
    ignore_conflicts: bool,
) -> Result<Batch> {
    let width = columns.len();
    let first = &batch[..width];
    let constant: Vec<bool> = (0..width)
        .map(|column| batch.chunks(width).all(|row| row[column] == first[column]))
        .collect();
    // On SQLite an id column that counts up by one (a table's new ids) is its first value plus
    // the row's index in the batch (jsonb_each's `key`), so it stays out of the JSON too.
    let counting: Vec<bool> = (0..width)
        .map(|column| {
            backend == Backend::Sqlite
                && !constant[column]
                && matches!(first[column], Cell::Int(_))
                && batch.chunks(width).enumerate().all(|(index, row)| {
                    match (&row[column], &first[column]) {
                        (Cell::Int(n), Cell::Int(start)) => {
                            i64::try_from(index).is_ok_and(|index| *n == start + index)
                        }
                        _ => false,
                    }
                })
        })
        .collect();
    let mut select = Vec::with_capacity(width);
    let mut bound = Vec::new();
    let mut varying = 0;
    for (column, spec) in columns.iter().enumerate() {
        if constant[column] || counting[column] {
            bound.push(match &first[column] {
                Cell::Null => match spec.kind {
                    Kind::Int => Bound::NullInt,
                    Kind::Text => Bound::NullText,
                },
                Cell::Int(n) => Bound::Int(*n),
                Cell::Text(text) => Bound::Text(text.to_string()),
            });
            select.push(match backend {
                Backend::Sqlite if counting[column] => "(? + key)".to_string(),
                Backend::Sqlite => "?".to_string(),
                Backend::Postgres => format!("${}::{}", bound.len(), pg_type(spec.kind)),
            });
        } else {
            select.push(match (backend, spec.kind) {
                (Backend::Sqlite, _) => format!("value ->> {varying}"),
                (Backend::Postgres, Kind::Text) => format!("value ->> {varying}"),
                (Backend::Postgres, Kind::Int) => format!("(value ->> {varying})::bigint"),
            });
            varying += 1;
        }
    }
    let left_out: Vec<bool> = constant
        .iter()
        .zip(&counting)
        .map(|(constant, counting)| *constant || *counting)
        .collect();
    let json = batch_json(batch, &left_out)?;
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    let source = match backend {
        Backend::Sqlite => "jsonb_each(?)".to_string(),
        Backend::Postgres => format!(
            "jsonb_array_elements(${}::jsonb) AS batch(value)",
            bound.len() + 1
        ),
    };
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {source}{}",
        names.join(", "),
        select.join(", "),
        if ignore_conflicts {
            // SQLite needs the WHERE to tell the upsert's ON from a join's.
            " WHERE true ON CONFLICT DO NOTHING"
        } else {
            ""
        }
    );
    Ok(Batch {
        sql,
        bound,
        json,
        rows: batch.len() / width.max(1),
    })
}

fn pg_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "bigint",
        Kind::Text => "text",
    }
}

/// The batch's columns not `left_out` (bound once instead) as a JSON array of arrays
/// (`[[1,"a"],[2,"b"]]`); a batch whose every column is left out still gives one (empty) array
/// per row, which sets the row count.
fn batch_json(batch: &[Cell<'_>], left_out: &[bool]) -> Result<String> {
    let width = left_out.len();
    let mut json: Vec<u8> = Vec::with_capacity(batch.len() * 16);
    json.push(b'[');
    for (n, row) in batch.chunks(width).enumerate() {
        if n > 0 {
            json.push(b',');
        }
        json.push(b'[');
        let mut first = true;
        for (cell, _) in row.iter().zip(left_out).filter(|(_, left_out)| !**left_out) {
            if !first {
                json.push(b',');
            }
            first = false;
            match cell {
                Cell::Null => json.extend_from_slice(b"null"),
                Cell::Int(value) => write!(json, "{value}").map_err(json_error)?,
                Cell::Text(text) => {
                    serde_json::to_writer(&mut json, text.as_ref()).map_err(json_error)?
                }
            }
        }
        json.push(b']');
    }
    json.push(b']');
    String::from_utf8(json).map_err(json_error)
}

fn json_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("cannot encode rows as JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_days_read_as_chrono_reads_them() {
        let mut day = NaiveDate::from_ymd_opt(1999, 1, 1).unwrap();
        while chrono::Datelike::year(&day) < 2031 {
            assert_eq!(parse_day(&date_text(day)).unwrap(), day);
            day = day.succ_opt().unwrap();
        }
        for bad in ["2015-02-30", "2015-13-01", "2015-01-0x", "2015/01/01", ""] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_batch_sends_only_its_varying_columns_as_json() {
        let cells = vec![
            Cell::Int(1),
            Cell::str("same"),
            Cell::str("say \"hi\"\n"),
            Cell::Int(2),
            Cell::str("same"),
            Cell::Null,
        ];
        assert_eq!(
            batch_json(&cells, &[false, true, false]).unwrap(),
            r#"[[1,"say \"hi\"\n"],[2,null]]"#
        );
        assert_eq!(batch_json(&cells, &[true, true, true]).unwrap(), "[[],[]]");
    }

    #[test]
    fn counting_ids_and_constant_columns_stay_out_of_the_json_on_sqlite() {
        const COLUMNS: &[Column] = &[int("id"), int("plan_id"), text("text")];
        let mut rows = Rows::new(COLUMNS, 3);
        for (id, words) in [(41, "a"), (42, "b"), (43, "c")] {
            rows.push([Cell::Int(id), Cell::Int(7), Cell::str(words)])
                .unwrap();
        }
        let cells = rows.cells.clone();
        let batch = encode_batch(Backend::Sqlite, "t", COLUMNS, &cells, false).unwrap();
        assert_eq!(
            batch.sql,
            "INSERT INTO t (id, plan_id, text) SELECT (? + key), ?, value ->> 0 FROM jsonb_each(?)"
        );
        assert_eq!(batch.json, r#"[["a"],["b"],["c"]]"#);
        assert!(matches!(batch.bound[..], [Bound::Int(41), Bound::Int(7)]));
        // PostgreSQL's batch has no index column: the ids go in the JSON.
        let batch = encode_batch(Backend::Postgres, "t", COLUMNS, &cells, false).unwrap();
        assert_eq!(batch.json, r#"[[41,"a"],[42,"b"],[43,"c"]]"#);
        // A gap in the ids keeps them in the JSON on SQLite too.
        let mut gapped = cells.clone();
        gapped[6] = Cell::Int(45);
        let batch = encode_batch(Backend::Sqlite, "t", COLUMNS, &gapped, false).unwrap();
        assert_eq!(batch.json, r#"[[41,"a"],[42,"b"],[45,"c"]]"#);
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused() {
        const COLUMNS: &[Column] = &[int("id"), text("name")];
        let mut rows = Rows::new(COLUMNS, 1);
        assert!(rows.push([Cell::Int(1), Cell::str("a")]).is_ok());
        assert!(rows.push([Cell::Int(2)]).is_err());
        assert_eq!(rows.cells.len(), 2, "the short row is not kept");
    }
}
