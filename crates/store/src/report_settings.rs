//! An organisation's report settings: the name and logo on its reports' covers, who they are
//! from, and the words of its cover paper. Append-only: saving adds a version, the newest is in
//! force, and the older ones stay as the record of who changed what and when.
//!
//! The store keeps plain words and bytes; the report crate turns them into its own settings, so
//! the store knows nothing of layouts or image formats beyond the media type it is given.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::OrgId;

use crate::error::Result;
use crate::rows::{instant_text, parse_instant, parse_strings, strings_json};
use crate::{Scope, Store};

/// What an organisation sets about its reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportSettingsFields {
    /// The name on the cover; `None` uses the organisation's name in Waymark.
    pub organisation_name: Option<String>,
    /// Who reports are from: "Head of Performance and Planning".
    pub author: Option<String>,
    /// The meeting a cover paper goes to: "Police and Crime Panel, 12 June 2026".
    pub meeting: Option<String>,
    pub paper_title: Option<String>,
    pub purpose: Option<String>,
    pub background: Option<String>,
    pub recommendations: Vec<String>,
    /// True for "For: Decision", false for "For: Information".
    pub for_decision: bool,
    pub sponsor: Option<String>,
    /// The cover paper's author, where not the report's.
    pub paper_author: Option<String>,
    pub logo: Option<StoredLogo>,
}

/// A logo as uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLogo {
    /// "image/png" or "image/svg+xml".
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Settings to save as an organisation's new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReportSettings {
    pub org: OrgId,
    pub fields: ReportSettingsFields,
    pub entered_by: Option<String>,
}

/// One saved version of an organisation's report settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettingsVersion {
    pub id: i64,
    pub org: OrgId,
    pub fields: ReportSettingsFields,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
}

const COLUMNS: &str = "id, org_id, organisation_name, author, meeting, paper_title, purpose, \
    background, recommendations, for_decision, sponsor, paper_author, logo_media_type, logo, \
    entered_at, entered_by";

impl Store {
    /// Saves a new version of an organisation's report settings; it is in force from now.
    pub async fn save_report_settings(
        &self,
        scope: Scope,
        new: &NewReportSettings,
    ) -> Result<ReportSettingsVersion> {
        scope.require(new.org)?;
        let fields = &new.fields;
        let entered_at = parse_instant(&instant_text(Utc::now()))?;
        let row = sqlx::query(
            "INSERT INTO report_settings (org_id, organisation_name, author, meeting, \
             paper_title, purpose, background, recommendations, for_decision, sponsor, \
             paper_author, logo_media_type, logo, entered_at, entered_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING id",
        )
        .bind(new.org.0)
        .bind(fields.organisation_name.clone())
        .bind(fields.author.clone())
        .bind(fields.meeting.clone())
        .bind(fields.paper_title.clone())
        .bind(fields.purpose.clone())
        .bind(fields.background.clone())
        .bind(strings_json(&fields.recommendations))
        .bind(i64::from(fields.for_decision))
        .bind(fields.sponsor.clone())
        .bind(fields.paper_author.clone())
        .bind(fields.logo.as_ref().map(|logo| logo.media_type.clone()))
        .bind(fields.logo.as_ref().map(|logo| logo.bytes.clone()))
        .bind(instant_text(entered_at))
        .bind(new.entered_by.clone())
        .fetch_one(self.pool())
        .await?;
        Ok(ReportSettingsVersion {
            id: row.try_get("id")?,
            org: new.org,
            fields: fields.clone(),
            entered_at,
            entered_by: new.entered_by.clone(),
        })
    }

    /// The settings in force for an organisation: its newest version, or `None` if it has
    /// never saved any.
    pub async fn report_settings(
        &self,
        scope: Scope,
        org: OrgId,
    ) -> Result<Option<ReportSettingsVersion>> {
        scope.require(org)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM report_settings WHERE org_id = $1 ORDER BY id DESC LIMIT 1"
        )))
        .bind(org.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(version_from_row).transpose()
    }

    /// Every version an organisation has saved, newest first.
    pub async fn report_settings_history(
        &self,
        scope: Scope,
        org: OrgId,
    ) -> Result<Vec<ReportSettingsVersion>> {
        scope.require(org)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM report_settings WHERE org_id = $1 ORDER BY id DESC"
        )))
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }
}

fn version_from_row(row: &AnyRow) -> Result<ReportSettingsVersion> {
    let media_type: Option<String> = row.try_get("logo_media_type")?;
    let bytes: Option<Vec<u8>> = row.try_get("logo")?;
    let logo = match (media_type, bytes) {
        (Some(media_type), Some(bytes)) => Some(StoredLogo { media_type, bytes }),
        _ => None,
    };
    Ok(ReportSettingsVersion {
        id: row.try_get("id")?,
        org: OrgId(row.try_get("org_id")?),
        fields: ReportSettingsFields {
            organisation_name: row.try_get("organisation_name")?,
            author: row.try_get("author")?,
            meeting: row.try_get("meeting")?,
            paper_title: row.try_get("paper_title")?,
            purpose: row.try_get("purpose")?,
            background: row.try_get("background")?,
            recommendations: parse_strings(&row.try_get::<String, _>("recommendations")?)?,
            for_decision: row.try_get::<i64, _>("for_decision")? != 0,
            sponsor: row.try_get("sponsor")?,
            paper_author: row.try_get("paper_author")?,
            logo,
        },
        entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
        entered_by: row.try_get("entered_by")?,
    })
}
