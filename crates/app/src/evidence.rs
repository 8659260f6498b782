//! Evidence and closure: files and links that show an item was done, each with its own
//! protective marking (no higher than its adder's clearance; nobody sees evidence above their
//! ceiling), withdrawn with a reason but never deleted; a plan's rule per level for closing
//! its items (evidence needed, sign-off needed, and by whom: a plan manager or a named board);
//! and the proposal an owner makes, signed off or refused with a reason. Until it is signed
//! off the item stays open ("Closure proposed, awaiting sign-off").
//!
//! Who may do what:
//! - add evidence, propose closure: whoever may update the item (its owner's post, or a plan
//!   manager);
//! - withdraw evidence: whoever added it, or a plan manager;
//! - set the closure rules: plan managers of the plan's own organisation;
//! - sign off or refuse: a plan manager, or, where the rule names a board, a person holding
//!   one of the board's member posts. Nobody decides on a closure they proposed themselves:
//!   sign-off is a second person's check.

use chrono::Utc;
use waymark_core::{AccessLevel, Classification, ItemId, Marking, Plan, PlanId};
use waymark_store::{
    ClosureDecision, ClosureRequest, ClosureRule, Evidence, EvidenceKind, MAX_EVIDENCE_BYTES,
    NewClosureDecision, NewEvidence, NewVersion, Scope, SignOffBy,
};

use crate::App;
use crate::access::VisiblePlan;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::items::{ItemRead, change_set, fields_json, item_label, latest_in_force};
use crate::plans::read_marking;

/// The longest title, in characters.
pub const MAX_EVIDENCE_TITLE: usize = 200;
/// The longest link, in characters.
pub const MAX_LINK: usize = 2_000;
/// The longest note or reason, in characters.
pub const MAX_CLOSURE_NOTE: usize = 2_000;

/// What a person submits as evidence.
#[derive(Debug, Clone, Default)]
pub struct EvidenceInput {
    pub title: String,
    /// A link's address; empty for a file.
    pub url: String,
    /// The file's name as uploaded (a label only) and its bytes; empty for a link.
    pub file_name: String,
    pub content: Vec<u8>,
    /// "OFFICIAL", "OFFICIAL-SENSITIVE"; empty for the item's own marking.
    pub marking: String,
}

/// An item with its evidence and closure, as the actor may see them.
#[derive(Debug, Clone)]
pub struct ItemEvidence {
    pub item: ItemRead,
    /// The item's level name: "Recommendation".
    pub level: String,
    pub depth: usize,
    /// Evidence within the actor's ceiling, withdrawn included, oldest first.
    pub evidence: Vec<Evidence>,
    /// Proposals to close it, oldest first.
    pub requests: Vec<ClosureRequest>,
    /// The rule for its level, where one asks for evidence or sign-off.
    pub rule: Option<ClosureRule>,
    pub may_add: bool,
    pub may_propose: bool,
    /// Whether the actor may sign off or refuse the proposal awaiting a decision.
    pub may_decide: bool,
    /// Why the actor may not decide, where a proposal awaits and they may not.
    pub decide_refusal: Option<String>,
    /// The markings the actor may give evidence, least sensitive first.
    pub markings: Vec<Marking>,
    /// The item's effective marking: the default for its evidence.
    pub item_marking: Classification,
    pub complete: bool,
}

impl ItemEvidence {
    /// The proposal awaiting a decision, if any.
    pub fn pending(&self) -> Option<&ClosureRequest> {
        self.requests.iter().rev().find(|r| r.decision.is_none())
    }

    /// The latest decided proposal.
    pub fn last_decided(&self) -> Option<&ClosureRequest> {
        self.requests.iter().rev().find(|r| r.decision.is_some())
    }

    /// Evidence not withdrawn.
    pub fn current_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(|e| e.withdrawn.is_none())
    }

    /// Whether the actor may withdraw a piece of evidence.
    pub fn may_withdraw(&self, evidence: &Evidence, actor: &Actor) -> bool {
        evidence.withdrawn.is_none() && may_withdraw(&self.item, evidence, actor)
    }
}

/// What proposing closure did.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposalOutcome {
    /// The rule asks for no sign-off: the item is closed.
    Closed,
    /// The proposal awaits sign-off.
    Proposed(Box<ClosureRequest>),
}

/// What a plan manager submits for one level's rule.
#[derive(Debug, Clone, Default)]
pub struct ClosureRuleInput {
    /// The level, 0 for the top.
    pub depth: usize,
    pub requires_evidence: bool,
    pub requires_sign_off: bool,
    /// A board's name; empty for a plan manager.
    pub board: String,
    /// The board's member posts, "/" or new lines between them.
    pub members: String,
}

/// A plan's closure rules with what the actor may do.
#[derive(Debug, Clone)]
pub struct ClosureRules {
    pub plan: VisiblePlan,
    /// In force, one per level that has one.
    pub rules: Vec<ClosureRule>,
    pub may_manage: bool,
}

impl ClosureRules {
    pub fn for_depth(&self, depth: usize) -> Option<&ClosureRule> {
        self.rules.iter().find(|r| r.depth == depth)
    }
}

fn may_withdraw(read: &ItemRead, evidence: &Evidence, actor: &Actor) -> bool {
    !read.plan.view.plan.archived
        && (read.plan.access.may_manage()
            || (read.may_update
                && evidence.added_by_user.is_some()
                && evidence.added_by_user == actor.user().map(|u| u.id)))
}

/// The content type a file is served with, chosen from its name's extension among the kinds
/// of document evidence is; anything else is served as bytes to save.
pub fn evidence_content_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "application/octet-stream",
    }
}

/// A file name fit to be a label: its last path segment, without control characters, at most
/// 200 characters.
fn file_label(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "evidence".into()
    } else {
        cleaned
    }
}

/// A link as written, if it is an http or https address.
fn read_link(written: &str) -> Result<String> {
    let written = written.trim();
    if written.chars().count() > MAX_LINK {
        return Err(AppError::invalid(
            "url",
            format!("The link must be {MAX_LINK} characters or fewer"),
        ));
    }
    let refused = || {
        AppError::invalid(
            "url",
            "Enter the link as a web address starting with https:// or http://",
        )
    };
    let parsed = url::Url::parse(written).map_err(|_| refused())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    Ok(parsed.to_string())
}

fn optional_text(text: &str, field: &str, label: &str) -> Result<Option<String>> {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_CLOSURE_NOTE {
        return Err(AppError::invalid(
            field,
            format!("{label} must be {MAX_CLOSURE_NOTE} characters or fewer"),
        ));
    }
    Ok((!text.is_empty()).then_some(text))
}

impl App {
    /// The rule for closing items at `depth` of a plan, where one asks for anything.
    async fn strict_rule(&self, plan: &Plan, depth: usize) -> Result<Option<ClosureRule>> {
        Ok(self
            .store()
            .closure_rules(Scope::Org(plan.org), plan.id)
            .await?
            .into_iter()
            .find(|r| r.depth == depth && r.is_strict()))
    }

    /// The plan's levels whose items close only with evidence or sign-off, for an import to
    /// leave open what its file says is done.
    pub(crate) async fn held_levels(
        &self,
        plan: &Plan,
    ) -> Result<Vec<waymark_io::closure_hold::HeldLevel>> {
        let rules = self
            .store()
            .closure_rules(Scope::Org(plan.org), plan.id)
            .await?;
        Ok(rules
            .iter()
            .filter(|rule| rule.is_strict())
            .map(|rule| waymark_io::closure_hold::HeldLevel {
                depth: rule.depth,
                level: plan.level_name(rule.depth).to_string(),
                rule: rule_words(rule),
            })
            .collect())
    }

    /// Refuses to close an item straight away (a close, or an update that completes it) where
    /// its level's rule asks for evidence or sign-off: closure is proposed instead.
    pub(crate) async fn check_closes_directly(&self, plan: &Plan, item: ItemId) -> Result<()> {
        let rules = self
            .store()
            .closure_rules(Scope::Org(plan.org), plan.id)
            .await?;
        if !rules.iter().any(ClosureRule::is_strict) {
            return Ok(());
        }
        let (_, lineage) = self
            .store()
            .item_history_and_lineage(Scope::All, item, self.today())
            .await?;
        let depth = lineage.len().saturating_sub(1);
        match rules.iter().find(|r| r.depth == depth && r.is_strict()) {
            None => Ok(()),
            Some(rule) => Err(AppError::state(
                "complete",
                format!(
                    "A {} of this plan is closed with {}: propose closure on its evidence and \
                     closure page",
                    plan.level_name(depth).to_lowercase(),
                    rule_words(rule)
                ),
            )),
        }
    }

    /// An item's evidence and closure, if the actor may see the item.
    pub async fn item_evidence(&self, actor: &Actor, item: ItemId) -> Result<ItemEvidence> {
        let read = self.item(actor, item, self.today()).await?;
        let state = read.state().ok_or(AppError::NotFound)?;
        let depth = state.depth;
        let complete = state.fields.complete;
        let plan = read.plan.view.plan.clone();
        let scope = Scope::Org(plan.org);
        let ceiling = read.plan.access.ceiling;
        let evidence = self
            .store()
            .item_evidence(scope, item)
            .await?
            .into_iter()
            .filter(|e| e.marking.marking <= ceiling)
            .collect();
        let requests = self
            .store()
            .item_closure_requests(scope, plan.id, item)
            .await?;
        let rule = self.strict_rule(&plan, depth).await?;
        let item_marking = read
            .plan
            .markings
            .get(&item)
            .copied()
            .unwrap_or(plan.marking);
        let markings = Marking::HELD
            .into_iter()
            .filter(|m| *m <= ceiling.min(actor.clearance()))
            .collect();
        let mut out = ItemEvidence {
            level: plan.level_name(depth).to_string(),
            depth,
            evidence,
            requests,
            may_add: read.may_update,
            may_propose: read.may_update && !complete,
            may_decide: false,
            decide_refusal: None,
            markings,
            item_marking,
            complete,
            rule,
            item: read,
        };
        out.may_propose = out.may_propose && out.pending().is_none();
        if let Some(pending) = out.pending() {
            match self.check_may_decide(actor, &out.item, pending) {
                Ok(_) => out.may_decide = true,
                Err(AppError::Invalid(problems) | AppError::NotPermitted(problems)) => {
                    out.decide_refusal = problems.first().map(|(_, m)| m.clone());
                }
                Err(_) => {}
            }
        }
        Ok(out)
    }

    /// Keeps a file or a link as evidence on an item: whoever may update the item, marked no
    /// higher than their clearance.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        item: ItemId,
        input: EvidenceInput,
    ) -> Result<Evidence> {
        let read = self.item(actor, item, self.today()).await?;
        if !read.may_update {
            return Err(AppError::Forbidden);
        }
        let title = input.title.trim().to_string();
        let mut errors = Vec::new();
        if title.is_empty() {
            errors.push((
                "title".to_string(),
                "Enter a title for the evidence".to_string(),
            ));
        } else if title.chars().count() > MAX_EVIDENCE_TITLE {
            errors.push((
                "title".to_string(),
                format!("The title must be {MAX_EVIDENCE_TITLE} characters or fewer"),
            ));
        }
        let item_marking = read
            .plan
            .markings
            .get(&item)
            .copied()
            .unwrap_or(read.plan.view.plan.marking);
        let marking = if input.marking.trim().is_empty() {
            item_marking
        } else {
            match read_marking(&input.marking, "", "marking") {
                Ok(marking) => marking,
                Err(error) => {
                    errors.push(error);
                    item_marking
                }
            }
        };
        let above_clearance =
            marking.marking > actor.clearance() || marking.marking > read.plan.access.ceiling;
        if above_clearance {
            errors.push((
                "marking".to_string(),
                format!(
                    "You may not mark evidence above {}, your clearance",
                    actor.clearance().min(read.plan.access.ceiling).label()
                ),
            ));
        }
        let has_file = !input.content.is_empty();
        let has_link = !input.url.trim().is_empty();
        let kind = match (has_file, has_link) {
            (true, true) => {
                errors.push((
                    "url".to_string(),
                    "Choose a file or enter a link, not both".to_string(),
                ));
                EvidenceKind::Link
            }
            (false, false) => {
                errors.push((
                    "file".to_string(),
                    "Choose a file or enter a link".to_string(),
                ));
                EvidenceKind::Link
            }
            (true, false) => EvidenceKind::File,
            (false, true) => EvidenceKind::Link,
        };
        if input.content.len() > MAX_EVIDENCE_BYTES {
            errors.push((
                "file".to_string(),
                format!(
                    "The file must be {} MB or smaller",
                    MAX_EVIDENCE_BYTES / (1024 * 1024)
                ),
            ));
        }
        let url = if has_link && !has_file {
            match read_link(&input.url) {
                Ok(url) => Some(url),
                Err(AppError::Invalid(mut problems)) => {
                    errors.append(&mut problems);
                    None
                }
                Err(other) => return Err(other),
            }
        } else {
            None
        };
        if above_clearance && errors.len() == 1 {
            return Err(AppError::NotPermitted(errors));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let plan = &read.plan.view.plan;
        let (file_name, content_type, content) = match kind {
            EvidenceKind::File => {
                let name = file_label(&input.file_name);
                let content_type = evidence_content_type(&name).to_string();
                (Some(name), Some(content_type), Some(input.content))
            }
            EvidenceKind::Link => (None, None, None),
        };
        let mut audit = actor.audit("evidence.add");
        audit.org = Some(plan.org);
        audit.plan = Some(plan.id);
        audit.item = Some(item);
        audit.subject = Some(title.clone());
        audit.detail = Some(serde_json::json!({
            "kind": kind.as_str(),
            "marking": marking.label(),
            "url": url,
            "file_name": file_name,
            "size_bytes": content.as_ref().map(Vec::len),
        }));
        Ok(self
            .store()
            .add_evidence(
                plan,
                &NewEvidence {
                    item,
                    kind,
                    title,
                    url,
                    file_name,
                    content_type,
                    content,
                    marking,
                    added_by: Some(actor.name()),
                    added_by_user: actor.user().map(|u| u.id),
                },
                &audit,
            )
            .await?)
    }

    /// A piece of evidence and the item it is on, if the actor may see both: evidence above
    /// the actor's ceiling is not found.
    async fn visible_evidence(&self, actor: &Actor, id: i64) -> Result<(Evidence, ItemRead)> {
        let evidence = self.store().evidence(Scope::All, id).await?;
        let read = self.item(actor, evidence.item, self.today()).await?;
        if evidence.marking.marking > read.plan.access.ceiling
            || evidence.marking.marking > actor.clearance()
        {
            return Err(AppError::NotFound);
        }
        Ok((evidence, read))
    }

    /// A piece of evidence, if the actor may see it.
    pub async fn evidence(&self, actor: &Actor, id: i64) -> Result<Evidence> {
        Ok(self.visible_evidence(actor, id).await?.0)
    }

    /// A file kept as evidence, with its bytes; downloads of OFFICIAL-SENSITIVE files are
    /// audited.
    pub async fn evidence_file(&self, actor: &Actor, id: i64) -> Result<(Evidence, Vec<u8>)> {
        let (evidence, read) = self.visible_evidence(actor, id).await?;
        if evidence.kind != EvidenceKind::File {
            return Err(AppError::NotFound);
        }
        let plan = &read.plan.view.plan;
        let bytes = self
            .store()
            .evidence_content(Scope::Org(plan.org), id)
            .await?;
        if evidence.marking.marking >= Marking::OfficialSensitive {
            let mut audit = actor.audit("evidence.download");
            audit.org = Some(plan.org);
            audit.plan = Some(plan.id);
            audit.item = Some(evidence.item);
            audit.subject = Some(evidence.title.clone());
            audit.detail =
                Some(serde_json::json!({"evidence": id, "marking": evidence.marking.label()}));
            self.store().record_audit(&audit).await?;
        }
        Ok((evidence, bytes))
    }

    /// Withdraws a piece of evidence with a reason: it stays in the history, marked withdrawn.
    /// Whoever added it, or a plan manager. Withdrawing it again changes nothing.
    pub async fn withdraw_evidence(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<Evidence> {
        let (evidence, read) = self.visible_evidence(actor, id).await?;
        if !may_withdraw(&read, &evidence, actor) {
            return Err(AppError::Forbidden);
        }
        // The reason is checked first: a second withdrawal answers as the first did only when
        // it is one that could have been the first.
        let Some(reason) = optional_text(reason, "reason", "The reason")? else {
            return Err(AppError::invalid(
                "reason",
                "Enter why the evidence is withdrawn",
            ));
        };
        if evidence.withdrawn.is_some() {
            return Ok(evidence);
        }
        let plan = &read.plan.view.plan;
        let mut audit = actor.audit("evidence.withdraw");
        audit.org = Some(plan.org);
        audit.plan = Some(plan.id);
        audit.item = Some(evidence.item);
        audit.subject = Some(evidence.title.clone());
        audit.detail = Some(serde_json::json!({"evidence": id, "reason": reason}));
        Ok(self
            .store()
            .withdraw_evidence(
                Scope::Org(plan.org),
                id,
                Some(actor.name()),
                Some(reason),
                &audit,
            )
            .await?)
    }

    /// A plan's closure rules, if the actor may see the plan.
    pub async fn closure_rules(&self, actor: &Actor, plan: PlanId) -> Result<ClosureRules> {
        let visible = self.plan(actor, plan).await?;
        let rules = self.store().closure_rules(visible.scope(), plan).await?;
        let may_manage = visible.access.may_manage() && visible.is_own() && !visible.plan.archived;
        Ok(ClosureRules {
            plan: visible,
            rules,
            may_manage,
        })
    }

    /// Sets the rule for closing one level's items: plan managers of the plan's organisation.
    pub async fn set_closure_rule(
        &self,
        actor: &Actor,
        plan: PlanId,
        input: &ClosureRuleInput,
    ) -> Result<ClosureRule> {
        let visible = self.managed_plan(actor, plan).await?;
        if !visible.is_own() {
            return Err(AppError::Forbidden);
        }
        if input.depth >= crate::plans::MOST_LEVELS {
            return Err(AppError::unknown("depth", "Choose a level of this plan"));
        }
        let board = input.board.trim().to_string();
        let members = waymark_core::split_owners(&input.members.replace('\r', ""));
        let mut errors = Vec::new();
        if board.chars().count() > 120 {
            errors.push((
                "board".to_string(),
                "The board's name must be 120 characters or fewer".to_string(),
            ));
        }
        if !board.is_empty() && members.is_empty() {
            errors.push((
                "members".to_string(),
                "Enter the posts that sit on the board".to_string(),
            ));
        }
        if !board.is_empty() && !input.requires_sign_off {
            errors.push((
                "board".to_string(),
                "A board signs off closure: ask for sign-off, or leave the board empty".to_string(),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let sign_off_by = if board.is_empty() {
            SignOffBy::default()
        } else {
            SignOffBy {
                board: Some(board),
                members,
            }
        };
        let rule = ClosureRule {
            plan,
            depth: input.depth,
            requires_evidence: input.requires_evidence,
            requires_sign_off: input.requires_sign_off,
            sign_off_by,
            entered_at: Utc::now(),
            entered_by: Some(actor.name()),
        };
        let mut audit = actor.audit("closure.rule");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!(
            "Closing a {}: {}",
            visible.plan.level_name(input.depth).to_lowercase(),
            rule_words(&rule)
        ));
        audit.detail = Some(serde_json::json!({
            "depth": input.depth,
            "requires_evidence": rule.requires_evidence,
            "requires_sign_off": rule.requires_sign_off,
            "board": rule.sign_off_by.board,
            "members": rule.sign_off_by.members,
        }));
        Ok(self
            .store()
            .save_closure_rule(&visible.plan, &rule, &audit)
            .await?)
    }

    /// Proposes closing an item: whoever may update it. Where its level's rule asks for
    /// evidence, some must be kept (and visible to the proposer); where it asks for sign-off,
    /// the proposal awaits it and the item stays open; otherwise the item is closed now.
    pub async fn propose_closure(
        &self,
        actor: &Actor,
        item: ItemId,
        note: &str,
    ) -> Result<ProposalOutcome> {
        let read = self.item_evidence(actor, item).await?;
        if !read.item.may_update {
            return Err(AppError::Forbidden);
        }
        let note = optional_text(note, "note", "The note")?;
        if read.complete {
            return Err(AppError::state("form", "This item is already closed"));
        }
        if read.pending().is_some() {
            return Err(AppError::state(
                "form",
                "Closure has already been proposed and awaits sign-off",
            ));
        }
        let plan = read.item.plan.view.plan.clone();
        let rule = read.rule.clone();
        if rule.as_ref().is_some_and(|r| r.requires_evidence)
            && read.current_evidence().next().is_none()
        {
            return Err(AppError::state(
                "form",
                format!(
                    "Add evidence before proposing closure: a {} of this plan is closed with \
                     evidence",
                    read.level.to_lowercase()
                ),
            ));
        }
        let label = self.item_label_of(&read.item)?;
        match rule.filter(|r| r.requires_sign_off) {
            None => {
                let changes = self.closing_changes(actor, &read.item, "item.close")?;
                self.store().apply_changes_to(&plan, &changes).await?;
                Ok(ProposalOutcome::Closed)
            }
            Some(rule) => {
                let mut audit = actor.audit("closure.propose");
                audit.org = Some(plan.org);
                audit.plan = Some(plan.id);
                audit.item = Some(item);
                audit.subject = Some(label);
                audit.detail = Some(serde_json::json!({
                    "note": note,
                    "sign_off_by": rule.sign_off_by.words(),
                    "evidence": read.current_evidence().map(|e| e.id).collect::<Vec<_>>(),
                }));
                let request = self
                    .store()
                    .propose_closure(
                        &plan,
                        item,
                        note,
                        &rule.sign_off_by,
                        (Some(actor.name()), actor.user().map(|u| u.id)),
                        &audit,
                    )
                    .await?;
                Ok(ProposalOutcome::Proposed(Box::new(request)))
            }
        }
    }

    /// Signs off (closing the item, in the same transaction) or refuses (with a reason; the
    /// item stays open) the proposal awaiting a decision.
    pub async fn decide_closure(
        &self,
        actor: &Actor,
        item: ItemId,
        sign_off: bool,
        reason: &str,
    ) -> Result<ClosureDecision> {
        let read = self.item_evidence(actor, item).await?;
        // Who may decide at all, before anything about the proposal is said.
        let pending = read.pending().cloned();
        let may_in_principle = match &pending {
            Some(request) => self
                .capacity(actor, &read.item, &request.sign_off_by)
                .is_some(),
            None => {
                read.item.plan.access.may_manage()
                    || read.rule.as_ref().is_some_and(|rule| {
                        self.capacity(actor, &read.item, &rule.sign_off_by)
                            .is_some()
                    })
            }
        };
        if !may_in_principle || read.item.plan.view.plan.archived {
            return Err(AppError::Forbidden);
        }
        let Some(request) = pending else {
            return Err(AppError::state(
                "form",
                "No closure of this item awaits sign-off",
            ));
        };
        let decided_as = self.check_may_decide(actor, &read.item, &request)?;
        let reason = optional_text(reason, "reason", "The reason")?;
        if !sign_off && reason.is_none() {
            return Err(AppError::invalid(
                "reason",
                "Enter why the closure is refused, for its owner",
            ));
        }
        let decision = if sign_off {
            ClosureDecision::SignedOff
        } else {
            ClosureDecision::Refused
        };
        let plan = read.item.plan.view.plan.clone();
        let closes = if sign_off {
            Some(self.closing_changes(actor, &read.item, "item.close")?)
        } else {
            None
        };
        let mut audit = actor.audit(if sign_off {
            "closure.sign_off"
        } else {
            "closure.refuse"
        });
        audit.org = Some(plan.org);
        audit.plan = Some(plan.id);
        audit.item = Some(item);
        audit.subject = Some(self.item_label_of(&read.item)?);
        audit.detail = Some(serde_json::json!({
            "request": request.id,
            "decided_as": decided_as,
            "reason": reason,
        }));
        self.store()
            .decide_closure(
                &plan,
                &NewClosureDecision {
                    request: request.id,
                    decision,
                    decided_by: Some(actor.name()),
                    decided_by_user: actor.user().map(|u| u.id),
                    decided_as,
                    reason,
                    closes,
                },
                &audit,
            )
            .await?;
        Ok(decision)
    }

    /// In what capacity the actor may decide for `by`: "Plan manager", or the board with the
    /// member post they hold.
    fn capacity(&self, actor: &Actor, read: &ItemRead, by: &SignOffBy) -> Option<String> {
        match &by.board {
            None => read
                .plan
                .access
                .may_manage()
                .then(|| "Plan manager".to_string()),
            Some(board) => {
                if read.plan.access.level < AccessLevel::Read || read.plan.access.share.is_some() {
                    return None;
                }
                let post = by.members.iter().find(|member| {
                    actor
                        .posts
                        .iter()
                        .any(|held| held.eq_ignore_ascii_case(member))
                })?;
                Some(format!("{board}, {post}"))
            }
        }
    }

    /// The capacity the actor decides in, or why they may not.
    fn check_may_decide(
        &self,
        actor: &Actor,
        read: &ItemRead,
        request: &ClosureRequest,
    ) -> Result<String> {
        let capacity = self
            .capacity(actor, read, &request.sign_off_by)
            .ok_or(AppError::Forbidden)?;
        if request.proposed_by_user.is_some()
            && request.proposed_by_user == actor.user().map(|u| u.id)
        {
            // Separation of duties: the person may decide closures, but not their own.
            return Err(AppError::NotPermitted(vec![(
                "form".to_string(),
                format!(
                    "You proposed this closure, so its sign-off is for {}",
                    if request.sign_off_by.board.is_some() {
                        format!("another member of {}", request.sign_off_by.words())
                    } else {
                        "another plan manager".to_string()
                    }
                ),
            )]));
        }
        Ok(capacity)
    }

    /// The change set that closes an item today.
    fn closing_changes(
        &self,
        actor: &Actor,
        read: &ItemRead,
        action: &str,
    ) -> Result<waymark_store::ChangeSet> {
        let current = latest_in_force(&read.history)?;
        let mut fields = current.fields.clone();
        fields.complete = true;
        fields.completed_on = Some(self.today());
        let mut changes = change_set(
            actor,
            &read.plan.view.plan,
            read.item,
            &read.history,
            action,
        );
        if let Some(audit) = changes.audit.as_mut() {
            audit.detail = Some(serde_json::json!({
                "before": fields_json(&current.fields, &fields),
                "after": fields_json(&fields, &current.fields),
            }));
        }
        changes.versions.push(NewVersion {
            item: read.item,
            parent: fields.parent.map(waymark_store::ItemRef::Existing),
            fields,
            effective: self.today(),
            reason: Some("Closed with sign-off".into()),
        });
        Ok(changes)
    }

    fn item_label_of(&self, read: &ItemRead) -> Result<String> {
        Ok(item_label(&latest_in_force(&read.history)?.fields))
    }
}

/// "evidence and sign-off by the Force Improvement Board".
pub fn rule_words(rule: &ClosureRule) -> String {
    match (rule.requires_evidence, rule.requires_sign_off) {
        (true, true) => format!("evidence and sign-off by {}", rule.sign_off_by.words()),
        (false, true) => format!("sign-off by {}", rule.sign_off_by.words()),
        (true, false) => "evidence".into(),
        (false, false) => "no evidence or sign-off".into(),
    }
}
