//! Evidence and closure (migration 0022): the files and links that show an item was done, each
//! with its own protective marking, withdrawn but never deleted; a plan's closure rules per
//! level; and the proposals to close an item with the sign-off or refusal that decides them.
//! A signed-off proposal closes the item in the same transaction as the decision.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use waymark_core::{Classification, ItemId, OrgId, Plan, PlanId, UserId};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::changes::ChangeSet;
use crate::error::{Result, StoreError};
use crate::rows::{instant_text, parse_classification, parse_instant};
use crate::write::DerivedIndexes;
use crate::{Scope, Store};

/// The largest file kept as evidence, in bytes: a scanned report or a spreadsheet.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A file or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    File,
    Link,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::File => "file",
            EvidenceKind::Link => "link",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::File => "File",
            EvidenceKind::Link => "Link",
        }
    }
}

/// Who withdrew a piece of evidence, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceWithdrawal {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub reason: Option<String>,
}

/// One piece of evidence, without a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: i64,
    pub org: OrgId,
    pub plan: PlanId,
    pub item: ItemId,
    pub kind: EvidenceKind,
    pub title: String,
    /// A link's address.
    pub url: Option<String>,
    /// A file's name as it was uploaded: a label, never a path.
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub marking: Classification,
    pub added_at: DateTime<Utc>,
    pub added_by: Option<String>,
    pub added_by_user: Option<UserId>,
    pub withdrawn: Option<EvidenceWithdrawal>,
}

/// Evidence to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub item: ItemId,
    pub kind: EvidenceKind,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    /// A file's bytes; `None` for a link.
    pub content: Option<Vec<u8>>,
    pub marking: Classification,
    pub added_by: Option<String>,
    pub added_by_user: Option<UserId>,
}

/// Who signs off the closure of a level's items: a plan manager, or a named board (its member
/// posts), as a programme's governance names its boards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignOffBy {
    /// `None`: a plan manager.
    pub board: Option<String>,
    pub members: Vec<String>,
}

impl SignOffBy {
    /// "a plan manager", or "the Force Improvement Board".
    pub fn words(&self) -> String {
        match &self.board {
            Some(board) => format!("the {board}"),
            None => "a plan manager".into(),
        }
    }
}

/// A plan's rule for closing the items of one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRule {
    pub plan: PlanId,
    /// The level, 0 for the top.
    pub depth: usize,
    pub requires_evidence: bool,
    pub requires_sign_off: bool,
    pub sign_off_by: SignOffBy,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
}

impl ClosureRule {
    /// Whether the rule asks for anything.
    pub fn is_strict(&self) -> bool {
        self.requires_evidence || self.requires_sign_off
    }
}

/// How a proposal was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureDecision {
    SignedOff,
    Refused,
}

impl ClosureDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosureDecision::SignedOff => "signed_off",
            ClosureDecision::Refused => "refused",
        }
    }
}

/// A proposal to close an item, and its decision once made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRequest {
    pub id: i64,
    pub plan: PlanId,
    pub item: ItemId,
    pub note: Option<String>,
    /// Who was asked to sign it off, as the rule said when it was proposed.
    pub sign_off_by: SignOffBy,
    pub proposed_at: DateTime<Utc>,
    pub proposed_by: Option<String>,
    pub proposed_by_user: Option<UserId>,
    pub decision: Option<ClosureDecision>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_by_user: Option<UserId>,
    /// In what capacity: "Plan manager", "Force Improvement Board (Chief Constable)".
    pub decided_as: Option<String>,
    /// Why it was refused (or a note with the sign-off).
    pub reason: Option<String>,
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClosureDecision {
    pub request: i64,
    pub decision: ClosureDecision,
    pub decided_by: Option<String>,
    pub decided_by_user: Option<UserId>,
    pub decided_as: String,
    pub reason: Option<String>,
    /// For a sign-off: the change set that closes the item, written in the same transaction.
    pub closes: Option<ChangeSet>,
}

const EVIDENCE_COLUMNS: &str = "id, org_id, plan_id, item_id, kind, title, url, file_name, \
     content_type, size_bytes, marking, added_at, added_by, added_by_user, withdrawn_at, \
     withdrawn_by, withdrawn_reason";
const REQUEST_COLUMNS: &str = "id, plan_id, item_id, note, board_name, board_members, \
     proposed_at, proposed_by, proposed_by_user, decision, decided_at, decided_by, \
     decided_by_user, decided_as, reason";

/// Instants are fixed-width text, so the latest possible one compares above them all.
fn known_text(known_at: Option<DateTime<Utc>>) -> String {
    known_at
        .map(instant_text)
        .unwrap_or_else(|| "9999-12-31T23:59:59.999999Z".to_string())
}

impl Store {
    /// Keeps a piece of evidence on an item of `plan` with its audit record, in one
    /// transaction. The item must be the plan's.
    pub async fn add_evidence(
        &self,
        plan: &Plan,
        new: &NewEvidence,
        audit: &NewAuditEvent,
    ) -> Result<Evidence> {
        if new
            .content
            .as_ref()
            .is_some_and(|c| c.len() > MAX_EVIDENCE_BYTES)
        {
            return Err(StoreError::Invalid("the file is too large".into()));
        }
        let added_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        crate::write::item_of_plan(&mut tx, plan, new.item).await?;
        let row = sqlx::query(
            "INSERT INTO item_evidence (org_id, plan_id, item_id, kind, title, url, file_name, \
             content_type, size_bytes, content, marking, added_at, added_by, added_by_user) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(new.item.0)
        .bind(new.kind.as_str())
        .bind(new.title.clone())
        .bind(new.url.clone())
        .bind(new.file_name.clone())
        .bind(new.content_type.clone())
        .bind(new.content.as_ref().map(|c| c.len() as i64))
        .bind(new.content.clone())
        .bind(new.marking.label())
        .bind(instant_text(added_at))
        .bind(new.added_by.clone())
        .bind(new.added_by_user.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Evidence {
            id: row.try_get("id")?,
            org: plan.org,
            plan: plan.id,
            item: new.item,
            kind: new.kind,
            title: new.title.clone(),
            url: new.url.clone(),
            file_name: new.file_name.clone(),
            content_type: new.content_type.clone(),
            size_bytes: new.content.as_ref().map(|c| c.len() as i64),
            marking: new.marking,
            added_at,
            added_by: new.added_by.clone(),
            added_by_user: new.added_by_user,
            withdrawn: None,
        })
    }

    /// One piece of evidence, if the scope may see its organisation.
    pub async fn evidence(&self, scope: Scope, id: i64) -> Result<Evidence> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM item_evidence WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        match row.as_ref().map(evidence_from_row).transpose()? {
            Some(evidence) if scope.allows(evidence.org) => Ok(evidence),
            _ => Err(StoreError::NotFound {
                what: "evidence",
                id,
            }),
        }
    }

    /// A file's bytes.
    pub async fn evidence_content(&self, scope: Scope, id: i64) -> Result<Vec<u8>> {
        let evidence = self.evidence(scope, id).await?;
        let row = sqlx::query("SELECT content FROM item_evidence WHERE id = $1")
            .bind(evidence.id)
            .fetch_one(self.pool())
            .await?;
        let content: Option<Vec<u8>> = row.try_get("content")?;
        content.ok_or(StoreError::NotFound {
            what: "evidence file",
            id,
        })
    }

    /// An item's evidence, withdrawn included, oldest first.
    pub async fn item_evidence(&self, scope: Scope, item: ItemId) -> Result<Vec<Evidence>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM item_evidence WHERE item_id = $1 ORDER BY id"
        )))
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        let all: Vec<Evidence> = rows.iter().map(evidence_from_row).collect::<Result<_>>()?;
        Ok(all.into_iter().filter(|e| scope.allows(e.org)).collect())
    }

    /// A plan's evidence as known at `known_at` (all when `None`): what had been added by then,
    /// with a withdrawal only if it had been withdrawn by then. Oldest first.
    pub async fn plan_evidence(
        &self,
        scope: Scope,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<Evidence>> {
        let plan = self.plan(scope, plan).await?;
        let known = known_text(known_at);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM item_evidence WHERE plan_id = $1 AND added_at <= $2 \
             ORDER BY id"
        )))
        .bind(plan.id.0)
        .bind(known.clone())
        .fetch_all(self.pool())
        .await?;
        let mut all: Vec<Evidence> = rows.iter().map(evidence_from_row).collect::<Result<_>>()?;
        for evidence in &mut all {
            if evidence
                .withdrawn
                .as_ref()
                .is_some_and(|w| instant_text(w.at) > known)
            {
                evidence.withdrawn = None;
            }
        }
        Ok(all)
    }

    /// Withdraws a piece of evidence (it stays, marked withdrawn) with its audit record, in one
    /// transaction. Withdrawing it again changes nothing.
    pub async fn withdraw_evidence(
        &self,
        scope: Scope,
        id: i64,
        by: Option<String>,
        reason: Option<String>,
        audit: &NewAuditEvent,
    ) -> Result<Evidence> {
        let evidence = self.evidence(scope, id).await?;
        if evidence.withdrawn.is_some() {
            return Ok(evidence);
        }
        let at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE item_evidence SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 \
             WHERE id = $4 AND withdrawn_at IS NULL",
        )
        .bind(instant_text(at))
        .bind(by.clone())
        .bind(reason.clone())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Evidence {
            withdrawn: Some(EvidenceWithdrawal { at, by, reason }),
            ..evidence
        })
    }

    /// Saves a plan's rule for one level with its audit record, in one transaction.
    pub async fn save_closure_rule(
        &self,
        plan: &Plan,
        rule: &ClosureRule,
        audit: &NewAuditEvent,
    ) -> Result<ClosureRule> {
        let entered_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO closure_rules (org_id, plan_id, depth, requires_evidence, \
             requires_sign_off, board_name, board_members, entered_at, entered_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(rule.depth as i64)
        .bind(i64::from(rule.requires_evidence))
        .bind(i64::from(rule.requires_sign_off))
        .bind(rule.sign_off_by.board.clone())
        .bind(members_json(&rule.sign_off_by.members))
        .bind(instant_text(entered_at))
        .bind(rule.entered_by.clone())
        .execute(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ClosureRule {
            plan: plan.id,
            entered_at,
            ..rule.clone()
        })
    }

    /// The rules in force for a plan, one per level that has one, by level.
    pub async fn closure_rules(&self, scope: Scope, plan: PlanId) -> Result<Vec<ClosureRule>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(
            "SELECT plan_id, depth, requires_evidence, requires_sign_off, board_name, \
             board_members, entered_at, entered_by FROM closure_rules WHERE plan_id = $1 \
             ORDER BY depth, id",
        )
        .bind(plan.id.0)
        .fetch_all(self.pool())
        .await?;
        let mut rules: Vec<ClosureRule> = Vec::new();
        for row in &rows {
            let rule = ClosureRule {
                plan: PlanId(row.try_get("plan_id")?),
                depth: usize::try_from(row.try_get::<i64, _>("depth")?).unwrap_or_default(),
                requires_evidence: row.try_get::<i64, _>("requires_evidence")? != 0,
                requires_sign_off: row.try_get::<i64, _>("requires_sign_off")? != 0,
                sign_off_by: SignOffBy {
                    board: row.try_get("board_name")?,
                    members: members_from_json(&row.try_get::<String, _>("board_members")?)?,
                },
                entered_at: parse_instant(&row.try_get::<String, _>("entered_at")?)?,
                entered_by: row.try_get("entered_by")?,
            };
            // Oldest first within a level: the last one read is in force.
            match rules.last_mut() {
                Some(last) if last.depth == rule.depth => *last = rule,
                _ => rules.push(rule),
            }
        }
        Ok(rules)
    }

    /// Records a proposal to close an item of `plan`, with its audit record, in one
    /// transaction; refused where the item already has one awaiting a decision.
    pub async fn propose_closure(
        &self,
        plan: &Plan,
        item: ItemId,
        note: Option<String>,
        sign_off_by: &SignOffBy,
        proposed_by: (Option<String>, Option<UserId>),
        audit: &NewAuditEvent,
    ) -> Result<ClosureRequest> {
        let proposed_at = parse_instant(&instant_text(Utc::now()))?;
        let mut tx = self.begin_write().await?;
        let pending =
            sqlx::query("SELECT id FROM closure_requests WHERE item_id = $1 AND decision IS NULL")
                .bind(item.0)
                .fetch_optional(&mut *tx)
                .await?;
        if pending.is_some() {
            return Err(StoreError::Invalid(
                "closure has already been proposed and awaits sign-off".into(),
            ));
        }
        let row = sqlx::query(
            "INSERT INTO closure_requests (org_id, plan_id, item_id, note, board_name, \
             board_members, proposed_at, proposed_by, proposed_by_user) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(plan.org.0)
        .bind(plan.id.0)
        .bind(item.0)
        .bind(note.clone())
        .bind(sign_off_by.board.clone())
        .bind(members_json(&sign_off_by.members))
        .bind(instant_text(proposed_at))
        .bind(proposed_by.0.clone())
        .bind(proposed_by.1.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        record_audit_on(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ClosureRequest {
            id: row.try_get("id")?,
            plan: plan.id,
            item,
            note,
            sign_off_by: sign_off_by.clone(),
            proposed_at,
            proposed_by: proposed_by.0,
            proposed_by_user: proposed_by.1,
            decision: None,
            decided_at: None,
            decided_by: None,
            decided_by_user: None,
            decided_as: None,
            reason: None,
        })
    }

    /// Records the decision on a proposal awaiting one, with its audit record and, for a
    /// sign-off, the change set that closes the item: all in one transaction. Refused where the
    /// proposal has been decided meanwhile.
    pub async fn decide_closure(
        &self,
        plan: &Plan,
        decision: &NewClosureDecision,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let decided_at = instant_text(Utc::now());
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE plans SET revision = revision WHERE id = $1")
            .bind(plan.id.0)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE closure_requests SET decision = $1, decided_at = $2, decided_by = $3, \
             decided_by_user = $4, decided_as = $5, reason = $6 \
             WHERE id = $7 AND plan_id = $8 AND decision IS NULL",
        )
        .bind(decision.decision.as_str())
        .bind(decided_at.clone())
        .bind(decision.decided_by.clone())
        .bind(decision.decided_by_user.map(|u| u.0))
        .bind(decision.decided_as.clone())
        .bind(decision.reason.clone())
        .bind(decision.request)
        .bind(plan.id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Invalid(
                "the proposal has already been decided".into(),
            ));
        }
        record_audit_on(&mut tx, audit).await?;
        if let Some(changes) = &decision.closes {
            let mut changes = changes.clone();
            changes.audit = None;
            self.write_changes(&mut tx, plan, &changes, &decided_at, DerivedIndexes::Now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An item's proposals, oldest first.
    pub async fn item_closure_requests(
        &self,
        scope: Scope,
        plan: PlanId,
        item: ItemId,
    ) -> Result<Vec<ClosureRequest>> {
        let plan = self.plan(scope, plan).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REQUEST_COLUMNS} FROM closure_requests WHERE plan_id = $1 AND item_id = $2 \
             ORDER BY id"
        )))
        .bind(plan.id.0)
        .bind(item.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(request_from_row).collect()
    }

    /// A plan's proposals as known at `known_at` (all when `None`): a decision made after it
    /// is left off, so the proposal reads as awaiting. Oldest first.
    pub async fn plan_closure_requests(
        &self,
        scope: Scope,
        plan: PlanId,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<ClosureRequest>> {
        let plan = self.plan(scope, plan).await?;
        let known = known_text(known_at);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REQUEST_COLUMNS} FROM closure_requests WHERE plan_id = $1 \
             AND proposed_at <= $2 ORDER BY id"
        )))
        .bind(plan.id.0)
        .bind(known.clone())
        .fetch_all(self.pool())
        .await?;
        let mut all: Vec<ClosureRequest> =
            rows.iter().map(request_from_row).collect::<Result<_>>()?;
        for request in &mut all {
            if request
                .decided_at
                .is_some_and(|at| instant_text(at) > known)
            {
                request.decision = None;
                request.decided_at = None;
                request.decided_by = None;
                request.decided_by_user = None;
                request.decided_as = None;
                request.reason = None;
            }
        }
        Ok(all)
    }
}

fn members_json(members: &[String]) -> String {
    serde_json::Value::from(members.to_vec()).to_string()
}

fn members_from_json(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("board members: {e}")))
}

fn optional_instant(row: &AnyRow, column: &str) -> Result<Option<DateTime<Utc>>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|text| parse_instant(&text))
        .transpose()
}

fn evidence_from_row(row: &AnyRow) -> Result<Evidence> {
    let kind: String = row.try_get("kind")?;
    let kind = match kind.as_str() {
        "file" => EvidenceKind::File,
        "link" => EvidenceKind::Link,
        other => return Err(StoreError::Corrupt(format!("evidence kind {other:?}"))),
    };
    let withdrawn = optional_instant(row, "withdrawn_at")?
        .map(|at| -> Result<EvidenceWithdrawal> {
            Ok(EvidenceWithdrawal {
                at,
                by: row.try_get("withdrawn_by")?,
                reason: row.try_get("withdrawn_reason")?,
            })
        })
        .transpose()?;
    Ok(Evidence {
        id: row.try_get("id")?,
        org: OrgId(row.try_get("org_id")?),
        plan: PlanId(row.try_get("plan_id")?),
        item: ItemId(row.try_get("item_id")?),
        kind,
        title: row.try_get("title")?,
        url: row.try_get("url")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: row.try_get("size_bytes")?,
        marking: parse_classification(&row.try_get::<String, _>("marking")?)?,
        added_at: parse_instant(&row.try_get::<String, _>("added_at")?)?,
        added_by: row.try_get("added_by")?,
        added_by_user: row.try_get::<Option<i64>, _>("added_by_user")?.map(UserId),
        withdrawn,
    })
}

fn request_from_row(row: &AnyRow) -> Result<ClosureRequest> {
    let decision: Option<String> = row.try_get("decision")?;
    let decision = match decision.as_deref() {
        None => None,
        Some("signed_off") => Some(ClosureDecision::SignedOff),
        Some("refused") => Some(ClosureDecision::Refused),
        Some(other) => return Err(StoreError::Corrupt(format!("closure decision {other:?}"))),
    };
    Ok(ClosureRequest {
        id: row.try_get("id")?,
        plan: PlanId(row.try_get("plan_id")?),
        item: ItemId(row.try_get("item_id")?),
        note: row.try_get("note")?,
        sign_off_by: SignOffBy {
            board: row.try_get("board_name")?,
            members: members_from_json(&row.try_get::<String, _>("board_members")?)?,
        },
        proposed_at: parse_instant(&row.try_get::<String, _>("proposed_at")?)?,
        proposed_by: row.try_get("proposed_by")?,
        proposed_by_user: row
            .try_get::<Option<i64>, _>("proposed_by_user")?
            .map(UserId),
        decision,
        decided_at: optional_instant(row, "decided_at")?,
        decided_by: row.try_get("decided_by")?,
        decided_by_user: row
            .try_get::<Option<i64>, _>("decided_by_user")?
            .map(UserId),
        decided_as: row.try_get("decided_as")?,
        reason: row.try_get("reason")?,
    })
}
