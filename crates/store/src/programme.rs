//! Collaboration programmes' facts (migration 0019): participants and their bases, costs,
//! settings, savings targets, projects' own facts, funding lines, savings and taxonomies. The
//! rules (sharing costs, counting savings) are `waymark_core::programme`'s; this module stores
//! and fetches.
//!
//! Every table is append-only. A change is a new row, and the row in force for a key is the
//! latest entered; a funding line or saving is taken out by marking it withdrawn. Programme
//! facts are written in one transaction with the items they name (an import's new projects),
//! the shares that let participants see the plan, and the audit record.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{
    BasisFigure, BasisKind, Board, Certainty, CollaborationModel, ExternalPart, ExternalShare,
    FundingLine, Participant, ProgrammeCost, ProgrammeSettings, ProjectFacts, ProjectParticipants,
    ProjectStatus, Recurrence, Saving, SavingKind, SavingStage, SavingsRule, ShareMethod,
};
use waymark_core::{ItemId, OrgId, Plan, PlanId};

use crate::audit::{NewAuditEvent, record_audit_on};
use crate::changes::{Applied, ChangeSet, ItemRef};
use crate::error::{Result, StoreError};
use crate::rows::{date_text, instant_text, parse_day};
use crate::sharing::NewShare;
use crate::write::DerivedIndexes;
use crate::{NewPlan, Scope, Store};

/// Programme facts to write. Items are named by [`ItemRef`], so an import can name the
/// projects it creates in the same transaction; the `project` fields of the core values are
/// ignored in favour of the refs beside them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgrammeChanges {
    pub participants: Vec<Participant>,
    pub bases: Vec<BasisFigure>,
    pub costs: Vec<(Option<ItemRef>, ProgrammeCost)>,
    pub settings: Option<ProgrammeSettings>,
    /// A year's savings target in pence; `None` is "at least the programme's own cost".
    pub targets: Vec<(FinancialYear, Option<i64>)>,
    pub projects: Vec<(ItemRef, ProjectFacts)>,
    pub funding: Vec<(Option<ItemRef>, FundingLine)>,
    pub savings: Vec<(Option<ItemRef>, Saving)>,
    /// Taxonomies with their terms, in the matrix's order.
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Shares made in the same transaction: participants see the programme through them.
    /// Their plan is the one written to.
    pub shares: Vec<NewShare>,
    /// Where set, the items every share of `shares` names (items of the same change set may
    /// be among them), overriding each share's own.
    pub shared_items: Option<Vec<ItemRef>>,
    /// Active shares revoked in the same transaction (a participant leaving, a project kept
    /// to the lead), by id.
    pub revoke_shares: Vec<i64>,
    /// Funding lines in force taken out (marked withdrawn, with who and when), by id.
    pub withdraw_funding: Vec<i64>,
    /// Savings in force taken out, by id.
    pub withdraw_savings: Vec<i64>,
}

impl ProgrammeChanges {
    pub fn is_empty(&self) -> bool {
        self == &ProgrammeChanges::default()
    }
}

/// A programme write: optionally a new plan, the item changes, the facts and the audit record,
/// applied by [`Store::store_programme`] in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeSet {
    /// A plan to create first; `None` writes to the plan `changes` names.
    pub new_plan: Option<NewPlan>,
    pub changes: ChangeSet,
    pub programme: ProgrammeChanges,
    pub entered_by: String,
    pub audit: Option<NewAuditEvent>,
}

/// A programme's facts in force.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgrammeRecord {
    /// Every participant in force, lead first, then in the order they were first entered.
    pub participants: Vec<Participant>,
    /// The basis figures in force, one per (participant, year, kind).
    pub bases: Vec<BasisFigure>,
    /// The costs in force, one per (project, year, label).
    pub costs: Vec<ProgrammeCost>,
    pub settings: ProgrammeSettings,
    pub targets: BTreeMap<FinancialYear, Option<i64>>,
    pub projects: HashMap<ItemId, ProjectFacts>,
    pub funding: Vec<FundingLine>,
    /// The id of each of `funding`, in the same order: what a withdrawal names.
    pub funding_ids: Vec<i64>,
    pub savings: Vec<Saving>,
    /// The id of each of `savings`, in the same order.
    pub saving_ids: Vec<i64>,
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Every participant row ever entered, oldest first: who took part when, as it was known.
    pub participant_history: Vec<(Participant, String)>,
}

impl Store {
    /// Writes a programme set in one transaction: the plan (if new), its item changes, the
    /// programme facts, the shares, and the audit record. All of it is stored, or none.
    pub async fn store_programme(&self, set: &ProgrammeSet) -> Result<(Plan, Applied)> {
        let existing = match &set.new_plan {
            Some(_) => None,
            None => Some(
                self.plan(Scope::Org(set.changes.org), set.changes.plan)
                    .await?,
            ),
        };
        let entered_at = instant_text(set.changes.entered_at.unwrap_or_else(Utc::now));
        let mut tx = self.begin_write().await?;
        let plan = match (&set.new_plan, existing) {
            (_, Some(plan)) => plan,
            (Some(new_plan), None) => {
                crate::plan_edit::insert_plan(&mut tx, new_plan, &entered_at).await?
            }
            (None, None) => return Err(StoreError::Invalid("a programme names no plan".into())),
        };
        let mut changes = set.changes.clone();
        changes.org = plan.org;
        changes.plan = plan.id;
        changes.audit = None;
        let applied = if changes.is_empty() {
            Applied::default()
        } else {
            self.write_changes(&mut tx, &plan, &changes, &entered_at, DerivedIndexes::Now)
                .await?
        };
        let resolve = |item: &ItemRef| -> Result<ItemId> {
            match item {
                ItemRef::Existing(id) => Ok(*id),
                ItemRef::New(index) => applied.item_ids.get(*index).copied().ok_or_else(|| {
                    StoreError::Invalid(format!("programme facts name new item {index}"))
                }),
            }
        };
        let mut writer = FactWriter {
            tx: &mut tx,
            plan: &plan,
            at: &entered_at,
            by: &set.entered_by,
        };
        writer.write(&set.programme, &resolve).await?;
        if !set.programme.shares.is_empty() || !set.programme.revoke_shares.is_empty() {
            // Views shared with partners change with their shares: a change of plan.
            sqlx::query("UPDATE plans SET revision = revision + 1 WHERE id = $1")
                .bind(plan.id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(audit) = &set.audit {
            let mut audit = audit.clone();
            audit.plan = Some(plan.id);
            audit.org = Some(plan.org);
            record_audit_on(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok((plan, applied))
    }

    /// The programme facts in force for a plan the scope may see.
    pub async fn programme(&self, scope: Scope, plan: PlanId) -> Result<ProgrammeRecord> {
        let plan = self.plan(scope, plan).await?;
        let id = plan.id.0;
        let pool = self.pool();
        let mut record = ProgrammeRecord::default();

        let rows = sqlx::query(
            "SELECT participant_org_id, is_lead, joined_on, left_on, entered_by \
             FROM programme_participants WHERE plan_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let mut in_force: Vec<Participant> = Vec::new();
        for row in &rows {
            let participant = Participant {
                org: OrgId(row.try_get("participant_org_id")?),
                is_lead: row.try_get::<i64, _>("is_lead")? != 0,
                joined_on: opt_day(row, "joined_on")?,
                left_on: opt_day(row, "left_on")?,
            };
            record
                .participant_history
                .push((participant.clone(), row.try_get("entered_by")?));
            match in_force.iter_mut().find(|p| p.org == participant.org) {
                Some(slot) => *slot = participant,
                None => in_force.push(participant),
            }
        }
        in_force.sort_by_key(|p| !p.is_lead);
        record.participants = in_force;

        let rows = sqlx::query(
            "SELECT participant_org_id, year, kind, value, as_of, source, illustrative \
             FROM programme_bases WHERE plan_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let basis = BasisFigure {
                org: OrgId(row.try_get("participant_org_id")?),
                year: year_of(row)?,
                kind: basis_kind(&row.try_get::<String, _>("kind")?)?,
                value: row.try_get("value")?,
                as_of: opt_day(row, "as_of")?,
                source: row.try_get("source")?,
                illustrative: row.try_get::<i64, _>("illustrative")? != 0,
            };
            record
                .bases
                .retain(|b| !(b.org == basis.org && b.year == basis.year && b.kind == basis.kind));
            record.bases.push(basis);
        }

        let rows = sqlx::query(
            "SELECT item_id, year, label, total, method, fixed_amounts, external_funder, \
             external_kind, external_value FROM programme_costs WHERE plan_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let cost = cost_from_row(row)?;
            record.costs.retain(|c| {
                !(c.project == cost.project && c.year == cost.year && c.label == cost.label)
            });
            record.costs.push(cost);
        }

        let row = sqlx::query(
            "SELECT savings_rule, governance FROM programme_settings WHERE plan_id = $1 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        if let Some(row) = row {
            record.settings = ProgrammeSettings {
                savings_rule: savings_rule(&row.try_get::<String, _>("savings_rule")?)?,
                governance: boards_from_json(&row.try_get::<String, _>("governance")?)?,
            };
        }

        let rows = sqlx::query(
            "SELECT year, amount FROM programme_targets WHERE plan_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            record
                .targets
                .insert(year_of(row)?, row.try_get::<Option<i64>, _>("amount")?);
        }

        let rows = sqlx::query(
            "SELECT item_id, area, status, proposed_for, lead_org_id, participants, model, lead_only \
             FROM project_facts WHERE plan_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let item = ItemId(row.try_get("item_id")?);
            record.projects.insert(item, project_from_row(row)?);
        }

        let rows = sqlx::query(
            "SELECT id, item_id, source, year, amount, written, recurrence, certainty \
             FROM funding_lines WHERE plan_id = $1 AND withdrawn_at IS NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            record.funding_ids.push(row.try_get("id")?);
            record.funding.push(FundingLine {
                project: row.try_get::<Option<i64>, _>("item_id")?.map(ItemId),
                source: row.try_get("source")?,
                year: year_of(row)?,
                amount: row.try_get("amount")?,
                written: row.try_get("written")?,
                recurrence: recurrence(&row.try_get::<String, _>("recurrence")?)?,
                certainty: certainty(&row.try_get::<String, _>("certainty")?)?,
            });
        }

        let rows = sqlx::query(
            "SELECT id, item_id, saving_org_id, kind, recurrence, stage, year, until_year, amount \
             FROM savings WHERE plan_id = $1 AND withdrawn_at IS NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let until: Option<i64> = row.try_get("until_year")?;
            record.saving_ids.push(row.try_get("id")?);
            record.savings.push(Saving {
                project: row.try_get::<Option<i64>, _>("item_id")?.map(ItemId),
                org: row.try_get::<Option<i64>, _>("saving_org_id")?.map(OrgId),
                kind: saving_kind(&row.try_get::<String, _>("kind")?)?,
                recurrence: recurrence(&row.try_get::<String, _>("recurrence")?)?,
                stage: saving_stage(&row.try_get::<String, _>("stage")?)?,
                year: year_of(row)?,
                until: until.map(year_from).transpose()?,
                amount: row.try_get("amount")?,
            });
        }

        let rows = sqlx::query(
            "SELECT name, terms FROM programme_taxonomies WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let name: String = row.try_get("name")?;
            let terms = crate::rows::parse_strings(&row.try_get::<String, _>("terms")?)?;
            record.taxonomies.retain(|(n, _)| *n != name);
            record.taxonomies.push((name, terms));
        }
        Ok(record)
    }

    /// The year of a funding line of `plan` already withdrawn, by id; `None` where the plan
    /// has no such line, or has it in force. What a second withdrawal of it answers.
    pub async fn withdrawn_funding_year(
        &self,
        plan: PlanId,
        line: i64,
    ) -> Result<Option<FinancialYear>> {
        self.withdrawn_year(
            "SELECT year FROM funding_lines WHERE id = $1 AND plan_id = $2 \
             AND withdrawn_at IS NOT NULL",
            plan,
            line,
        )
        .await
    }

    /// The first year of a saving of `plan` already withdrawn, by id, as
    /// [`Store::withdrawn_funding_year`].
    pub async fn withdrawn_saving_year(
        &self,
        plan: PlanId,
        saving: i64,
    ) -> Result<Option<FinancialYear>> {
        self.withdrawn_year(
            "SELECT year FROM savings WHERE id = $1 AND plan_id = $2 \
             AND withdrawn_at IS NOT NULL",
            plan,
            saving,
        )
        .await
    }

    async fn withdrawn_year(
        &self,
        sql: &'static str,
        plan: PlanId,
        id: i64,
    ) -> Result<Option<FinancialYear>> {
        let row = sqlx::query(sql)
            .bind(id)
            .bind(plan.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(year_of).transpose()
    }

    /// The plans in which `org` takes part as a participant (in force and not left), by id.
    pub async fn programmes_of(&self, org: OrgId) -> Result<Vec<PlanId>> {
        let rows = sqlx::query(
            "SELECT plan_id, participant_org_id, left_on FROM programme_participants \
             WHERE participant_org_id = $1 ORDER BY id",
        )
        .bind(org.0)
        .fetch_all(self.pool())
        .await?;
        let mut latest: BTreeMap<i64, bool> = BTreeMap::new();
        for row in &rows {
            let left: Option<String> = row.try_get("left_on")?;
            latest.insert(row.try_get("plan_id")?, left.is_none());
        }
        Ok(latest
            .into_iter()
            .filter(|(_, active)| *active)
            .map(|(plan, _)| PlanId(plan))
            .collect())
    }
}

/// Writes programme facts inside a transaction, every row entered at the same instant.
struct FactWriter<'t, 'c> {
    tx: &'t mut Transaction<'c, Any>,
    plan: &'t Plan,
    at: &'t str,
    by: &'t str,
}

impl FactWriter<'_, '_> {
    async fn write(
        &mut self,
        facts: &ProgrammeChanges,
        resolve: &(dyn Fn(&ItemRef) -> Result<ItemId> + Sync),
    ) -> Result<()> {
        let (org, plan) = (self.plan.org.0, self.plan.id.0);
        for p in &facts.participants {
            sqlx::query(
                "INSERT INTO programme_participants (org_id, plan_id, participant_org_id, \
                 is_lead, joined_on, left_on, entered_at, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org)
            .bind(plan)
            .bind(p.org.0)
            .bind(i64::from(p.is_lead))
            .bind(p.joined_on.map(date_text))
            .bind(p.left_on.map(date_text))
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for b in &facts.bases {
            sqlx::query(
                "INSERT INTO programme_bases (org_id, plan_id, participant_org_id, year, kind, \
                 value, as_of, source, illustrative, entered_at, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(org)
            .bind(plan)
            .bind(b.org.0)
            .bind(i64::from(b.year.start_year()))
            .bind(b.kind.as_str())
            .bind(b.value)
            .bind(b.as_of.map(date_text))
            .bind(b.source.as_str())
            .bind(i64::from(b.illustrative))
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for (item, cost) in &facts.costs {
            let item = item.as_ref().map(resolve).transpose()?;
            let fixed = match &cost.method {
                ShareMethod::Fixed(amounts) => Some(
                    serde_json::to_string(
                        &amounts.iter().map(|(o, p)| (o.0, *p)).collect::<Vec<_>>(),
                    )
                    .map_err(|e| StoreError::Invalid(e.to_string()))?,
                ),
                _ => None,
            };
            let (funder, kind, value) = match &cost.external {
                Some(ExternalShare { funder, part }) => match part {
                    ExternalPart::Percent(h) => (Some(funder.clone()), Some("percent"), Some(*h)),
                    ExternalPart::Amount(p) => (Some(funder.clone()), Some("amount"), Some(*p)),
                },
                None => (None, None, None),
            };
            sqlx::query(
                "INSERT INTO programme_costs (org_id, plan_id, item_id, year, label, total, \
                 method, fixed_amounts, external_funder, external_kind, external_value, \
                 entered_at, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(org)
            .bind(plan)
            .bind(item.map(|i| i.0))
            .bind(i64::from(cost.year.start_year()))
            .bind(cost.label.as_str())
            .bind(cost.total)
            .bind(cost.method.as_str())
            .bind(fixed)
            .bind(funder)
            .bind(kind)
            .bind(value)
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        if let Some(settings) = &facts.settings {
            sqlx::query(
                "INSERT INTO programme_settings (org_id, plan_id, savings_rule, governance, \
                 entered_at, entered_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org)
            .bind(plan)
            .bind(settings.savings_rule.as_str())
            .bind(boards_json(&settings.governance))
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for (year, amount) in &facts.targets {
            sqlx::query(
                "INSERT INTO programme_targets (org_id, plan_id, year, amount, entered_at, \
                 entered_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org)
            .bind(plan)
            .bind(i64::from(year.start_year()))
            .bind(*amount)
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for (item, facts) in &facts.projects {
            let item = resolve(item)?;
            let proposed_for = match &facts.status {
                ProjectStatus::Proposed { for_years } => for_years.clone(),
                _ => None,
            };
            let participants = match &facts.participants {
                ProjectParticipants::All => None,
                ProjectParticipants::Some(orgs) => Some(
                    serde_json::to_string(&orgs.iter().map(|o| o.0).collect::<Vec<_>>())
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                ),
            };
            sqlx::query(
                "INSERT INTO project_facts (org_id, plan_id, item_id, area, status, \
                 proposed_for, lead_org_id, participants, model, lead_only, entered_at, \
                 entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(org)
            .bind(plan)
            .bind(item.0)
            .bind(facts.area.clone())
            .bind(facts.status.as_str())
            .bind(proposed_for)
            .bind(facts.lead.map(|o| o.0))
            .bind(participants)
            .bind(facts.model.as_ref().map(|m| m.as_str().to_string()))
            .bind(i64::from(facts.lead_only))
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        // Withdrawals come before the new lines, so a set that replaces a year's lines (an
        // import written again) takes the old ones out and leaves the new ones in force.
        for (sql, ids) in [
            (
                "UPDATE funding_lines SET withdrawn_at = $1, withdrawn_by = $2 \
                 WHERE id = $3 AND plan_id = $4 AND withdrawn_at IS NULL",
                &facts.withdraw_funding,
            ),
            (
                "UPDATE savings SET withdrawn_at = $1, withdrawn_by = $2 \
                 WHERE id = $3 AND plan_id = $4 AND withdrawn_at IS NULL",
                &facts.withdraw_savings,
            ),
        ] {
            for id in ids {
                sqlx::query(sql)
                    .bind(self.at)
                    .bind(self.by)
                    .bind(*id)
                    .bind(plan)
                    .execute(&mut **self.tx)
                    .await?;
            }
        }
        for (item, line) in &facts.funding {
            let item = item.as_ref().map(resolve).transpose()?;
            sqlx::query(
                "INSERT INTO funding_lines (org_id, plan_id, item_id, source, year, amount, \
                 written, recurrence, certainty, entered_at, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(org)
            .bind(plan)
            .bind(item.map(|i| i.0))
            .bind(line.source.as_str())
            .bind(i64::from(line.year.start_year()))
            .bind(line.amount)
            .bind(line.written.clone())
            .bind(line.recurrence.as_str())
            .bind(line.certainty.as_str())
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for (item, saving) in &facts.savings {
            let item = item.as_ref().map(resolve).transpose()?;
            sqlx::query(
                "INSERT INTO savings (org_id, plan_id, item_id, saving_org_id, kind, recurrence, \
                 stage, year, until_year, amount, entered_at, entered_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(org)
            .bind(plan)
            .bind(item.map(|i| i.0))
            .bind(saving.org.map(|o| o.0))
            .bind(saving.kind.as_str())
            .bind(saving.recurrence.as_str())
            .bind(saving.stage.as_str())
            .bind(i64::from(saving.year.start_year()))
            .bind(saving.until.map(|y| i64::from(y.start_year())))
            .bind(saving.amount)
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        for (position, (name, terms)) in facts.taxonomies.iter().enumerate() {
            sqlx::query(
                "INSERT INTO programme_taxonomies (org_id, plan_id, name, terms, position, \
                 entered_at, entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(org)
            .bind(plan)
            .bind(name.as_str())
            .bind(crate::rows::strings_json(terms))
            .bind(position as i64)
            .bind(self.at)
            .bind(self.by)
            .execute(&mut **self.tx)
            .await?;
        }
        let shared_items: Option<Vec<ItemId>> = facts
            .shared_items
            .as_ref()
            .map(|refs| refs.iter().map(resolve).collect::<Result<Vec<_>>>())
            .transpose()?;
        for share in &facts.shares {
            if share.with_org == self.plan.org {
                continue;
            }
            let items = shared_items
                .as_ref()
                .or(share.items.as_ref())
                .map(|ids| serde_json::to_string(&ids.iter().map(|i| i.0).collect::<Vec<_>>()))
                .transpose()
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            sqlx::query(
                "INSERT INTO plan_shares (org_id, plan_id, with_org_id, access, ceiling, items, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org)
            .bind(plan)
            .bind(share.with_org.0)
            .bind(share.access.as_str())
            .bind(share.ceiling.label())
            .bind(items)
            .bind(self.at)
            .bind(share.created_by.as_str())
            .execute(&mut **self.tx)
            .await?;
        }
        for id in &facts.revoke_shares {
            sqlx::query(
                "UPDATE plan_shares SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
                 WHERE id = $4 AND plan_id = $5 AND revoked_at IS NULL",
            )
            .bind(self.at)
            .bind(self.by)
            .bind("Replaced by the programme's participants and shared projects")
            .bind(*id)
            .bind(plan)
            .execute(&mut **self.tx)
            .await?;
        }
        Ok(())
    }
}

fn opt_day(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|text| parse_day(&text))
        .transpose()
}

fn year_from(start: i64) -> Result<FinancialYear> {
    i32::try_from(start)
        .ok()
        .and_then(|start| FinancialYear::starting(start).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("financial year {start}")))
}

fn year_of(row: &AnyRow) -> Result<FinancialYear> {
    year_from(row.try_get("year")?)
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {text:?}"))
}

fn basis_kind(text: &str) -> Result<BasisKind> {
    BasisKind::ALL
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| corrupt("basis", text))
}

fn recurrence(text: &str) -> Result<Recurrence> {
    Recurrence::parse(text).ok_or_else(|| corrupt("recurrence", text))
}

fn certainty(text: &str) -> Result<Certainty> {
    Certainty::parse(text).ok_or_else(|| corrupt("certainty", text))
}

fn saving_kind(text: &str) -> Result<SavingKind> {
    SavingKind::parse(text).ok_or_else(|| corrupt("saving kind", text))
}

fn saving_stage(text: &str) -> Result<SavingStage> {
    SavingStage::parse(text).ok_or_else(|| corrupt("saving stage", text))
}

fn savings_rule(text: &str) -> Result<SavingsRule> {
    [
        SavingsRule::AsCostShared,
        SavingsRule::Equal,
        SavingsRule::WhereRealised,
        SavingsRule::ToLead,
    ]
    .into_iter()
    .find(|r| r.as_str() == text)
    .ok_or_else(|| corrupt("savings rule", text))
}

fn cost_from_row(row: &AnyRow) -> Result<ProgrammeCost> {
    let method_text: String = row.try_get("method")?;
    let method = match method_text.as_str() {
        "equal" => ShareMethod::Equal,
        "fixed" => {
            let json: Option<String> = row.try_get("fixed_amounts")?;
            let pairs: Vec<(i64, i64)> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
                .map_err(|_| corrupt("fixed amounts", json.as_deref().unwrap_or("")))?;
            ShareMethod::Fixed(pairs.into_iter().map(|(o, p)| (OrgId(o), p)).collect())
        }
        other => match other.strip_prefix("proportional:") {
            Some(kind) => ShareMethod::Proportional(basis_kind(kind)?),
            None => return Err(corrupt("share method", other)),
        },
    };
    let funder: Option<String> = row.try_get("external_funder")?;
    let kind: Option<String> = row.try_get("external_kind")?;
    let value: Option<i64> = row.try_get("external_value")?;
    let external = match (funder, kind.as_deref(), value) {
        (Some(funder), Some("percent"), Some(v)) => Some(ExternalShare {
            funder,
            part: ExternalPart::Percent(v),
        }),
        (Some(funder), Some("amount"), Some(v)) => Some(ExternalShare {
            funder,
            part: ExternalPart::Amount(v),
        }),
        _ => None,
    };
    Ok(ProgrammeCost {
        project: row.try_get::<Option<i64>, _>("item_id")?.map(ItemId),
        label: row.try_get("label")?,
        year: year_of(row)?,
        total: row.try_get("total")?,
        method,
        external,
    })
}

fn project_from_row(row: &AnyRow) -> Result<ProjectFacts> {
    let status_text: String = row.try_get("status")?;
    let status = match status_text.as_str() {
        "proposed" => ProjectStatus::Proposed {
            for_years: row.try_get("proposed_for")?,
        },
        "current" => ProjectStatus::Current,
        "complete" => ProjectStatus::Complete,
        "stopped" => ProjectStatus::Stopped,
        other => return Err(corrupt("project status", other)),
    };
    let participants: Option<String> = row.try_get("participants")?;
    let participants = match participants {
        None => ProjectParticipants::All,
        Some(json) => {
            let ids: Vec<i64> =
                serde_json::from_str(&json).map_err(|_| corrupt("participants", &json))?;
            ProjectParticipants::Some(ids.into_iter().map(OrgId).collect())
        }
    };
    let model: Option<String> = row.try_get("model")?;
    Ok(ProjectFacts {
        area: row.try_get("area")?,
        status,
        lead: row.try_get::<Option<i64>, _>("lead_org_id")?.map(OrgId),
        participants,
        model: model.as_deref().and_then(CollaborationModel::parse),
        lead_only: row.try_get::<i64, _>("lead_only")? != 0,
    })
}

fn boards_json(boards: &[Board]) -> String {
    serde_json::Value::Array(
        boards
            .iter()
            .map(|b| serde_json::json!({ "name": b.name, "meets": b.meets, "members": b.members }))
            .collect(),
    )
    .to_string()
}

fn boards_from_json(text: &str) -> Result<Vec<Board>> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| corrupt("governance", text))?;
    let boards = value
        .as_array()
        .ok_or_else(|| corrupt("governance", text))?;
    Ok(boards
        .iter()
        .map(|b| Board {
            name: b["name"].as_str().unwrap_or_default().to_string(),
            meets: b["meets"].as_str().map(str::to_string),
            members: b["members"]
                .as_array()
                .map(|m| {
                    m.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}
