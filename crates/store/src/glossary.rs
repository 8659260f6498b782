//! An organisation's glossary: the acronyms its reports explain. The store keeps only what the
//! organisation changed (terms added, reworded or removed), append-only: each change is a row
//! with who and when, and for each term the newest row is in force. The starter list for UK
//! policing lives in the report crate, which lays these rows over it.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::OrgId;

use crate::error::{Result, StoreError};
use crate::rows::{instant_text, parse_instant};
use crate::{Scope, Store};

/// The longest term accepted, in characters.
pub const MAX_TERM: usize = 40;
/// The longest meaning accepted, in characters.
pub const MAX_MEANING: usize = 400;

/// One change to an organisation's glossary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryChange {
    /// The term as written: "MoPI".
    pub term: String,
    /// Its meaning; `None` removes the term (from the starter list too).
    pub meaning: Option<String>,
}

impl GlossaryChange {
    pub fn define(term: &str, meaning: &str) -> GlossaryChange {
        GlossaryChange {
            term: term.to_string(),
            meaning: Some(meaning.to_string()),
        }
    }

    pub fn remove(term: &str) -> GlossaryChange {
        GlossaryChange {
            term: term.to_string(),
            meaning: None,
        }
    }
}

/// One saved change to a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryTermVersion {
    pub id: i64,
    pub org: OrgId,
    pub term: String,
    /// `None` where this change removed the term.
    pub meaning: Option<String>,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
}

/// A term's identity: the same term whatever its capitals ("MoPI" is "MOPI").
pub fn glossary_term_key(term: &str) -> String {
    term.trim().to_uppercase()
}

const COLUMNS: &str = "id, org_id, term, meaning, entered_at, entered_by";

impl Store {
    /// Saves changes to an organisation's glossary in one transaction, all entered at the same
    /// moment by `entered_by`: renaming a term is removing the old and defining the new, and
    /// neither happens without the other. Terms and meanings are trimmed; an empty or
    /// over-long one is refused.
    pub async fn change_glossary(
        &self,
        scope: Scope,
        org: OrgId,
        changes: &[GlossaryChange],
        entered_by: Option<&str>,
    ) -> Result<Vec<GlossaryTermVersion>> {
        scope.require(org)?;
        let mut checked = Vec::with_capacity(changes.len());
        for change in changes {
            let term = change.term.trim();
            if term.is_empty() || term.chars().count() > MAX_TERM {
                return Err(StoreError::Invalid(format!(
                    "a glossary term must be 1 to {MAX_TERM} characters, not {term:?}"
                )));
            }
            let meaning = match change.meaning.as_deref().map(str::trim) {
                Some(meaning) if meaning.is_empty() || meaning.chars().count() > MAX_MEANING => {
                    return Err(StoreError::Invalid(format!(
                        "the meaning of {term} must be 1 to {MAX_MEANING} characters"
                    )));
                }
                meaning => meaning.map(str::to_string),
            };
            checked.push((term.to_string(), meaning));
        }
        let entered_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        let mut saved = Vec::with_capacity(checked.len());
        for (term, meaning) in checked {
            let row = sqlx::query(
                "INSERT INTO glossary_terms (org_id, term_key, term, meaning, entered_at, \
                 entered_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(org.0)
            .bind(glossary_term_key(&term))
            .bind(term.clone())
            .bind(meaning.clone())
            .bind(instant_text(entered_at))
            .bind(entered_by.map(str::to_string))
            .fetch_one(&mut *tx)
            .await?;
            saved.push(GlossaryTermVersion {
                id: row.try_get("id")?,
                org,
                term,
                meaning,
                entered_at,
                entered_by: entered_by.map(str::to_string),
            });
        }
        tx.commit().await?;
        Ok(saved)
    }

    /// The organisation's own glossary as it stands: for each term it has ever changed, the
    /// newest change, removals included (they hide a starter term), in the order of the terms
    /// in capitals.
    pub async fn glossary_terms(
        &self,
        scope: Scope,
        org: OrgId,
    ) -> Result<Vec<GlossaryTermVersion>> {
        scope.require(org)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM glossary_terms g WHERE org_id = $1 AND id = \
             (SELECT MAX(id) FROM glossary_terms n WHERE n.org_id = g.org_id \
              AND n.term_key = g.term_key) ORDER BY term_key"
        )))
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// Every change to the organisation's glossary, newest first, at most `limit`.
    pub async fn glossary_history(
        &self,
        scope: Scope,
        org: OrgId,
        limit: i64,
    ) -> Result<Vec<GlossaryTermVersion>> {
        scope.require(org)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM glossary_terms WHERE org_id = $1 ORDER BY id DESC LIMIT $2"
        )))
        .bind(org.0)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }
}

fn version_from_row(row: &AnyRow) -> Result<GlossaryTermVersion> {
    Ok(GlossaryTermVersion {
        id: row.try_get("id")?,
        org: OrgId(row.try_get("org_id")?),
        term: row.try_get("term")?,
        meaning: row.try_get("meaning")?,
        entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
        entered_by: row.try_get("entered_by")?,
    })
}
