//! Commentary asked for: a plan manager asks the owners of the plan's indicators and objectives
//! for their commentary on a report period, by a date; each owner sees what is asked of them on
//! My actions until they write it, and the narrative page shows who has written and who has not.
//! The commentary itself answers the ask: written for the period at or after it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use waymark_core::PlanId;
use waymark_store::{CommentaryRequest, NarrativeSubject, NarrativeVersion, NewCommentaryRequest};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::narrative::parse_report_period;
use crate::text::parse_day;

/// The newest ask for one subject of a period, with its answer if written.
#[derive(Debug, Clone)]
pub struct CommentaryAsk {
    pub request: CommentaryRequest,
    /// The indicator's title or the objective's text.
    pub title: String,
    /// When and by whom the commentary was written, at or after the ask.
    pub written: Option<(DateTime<Utc>, Option<String>)>,
}

impl CommentaryAsk {
    /// Not written and past its date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.written.is_none() && self.request.due < today
    }
}

/// What asking came to.
#[derive(Debug, Clone)]
pub struct AskedForCommentary {
    pub period: String,
    pub due: NaiveDate,
    pub asked: Vec<CommentaryRequest>,
    /// Indicators and objectives with nobody to ask: no owner post.
    pub without_owner: Vec<String>,
}

/// An ask of the actor not yet answered, on one of the plans they may see.
#[derive(Debug, Clone)]
pub struct MyCommentaryAsk {
    pub plan: PlanId,
    pub plan_title: String,
    pub ask: CommentaryAsk,
}

/// One subject that may be asked about: (subject, title, owner posts).
type Askable = (NarrativeSubject, String, Vec<String>);

impl App {
    /// Asks the owners of every indicator and objective (top-level item) of the plan for their
    /// commentary on `period` by `due`. Plan managers only; the date must be today or later.
    /// Asking again is a reminder with a new date: the newest ask is the one shown.
    pub async fn ask_for_commentary(
        &self,
        actor: &Actor,
        plan: PlanId,
        period: &str,
        due: &str,
        note: &str,
    ) -> Result<AskedForCommentary> {
        let visible = self.plan(actor, plan).await?;
        if !visible.access.may_manage() {
            return Err(AppError::Forbidden);
        }
        let mut errors = Vec::new();
        let period = match parse_report_period(period) {
            Ok(period) => Some(period),
            Err(AppError::Invalid(mut problems)) => {
                errors.append(&mut problems);
                None
            }
            Err(other) => return Err(other),
        };
        let today = self.today();
        let due = match parse_day(due.trim()) {
            _ if due.trim().is_empty() => {
                errors.push((
                    "due".into(),
                    "Enter the date the commentary is needed by".into(),
                ));
                None
            }
            Some(day) if day < today => {
                errors.push((
                    "due".into(),
                    "The date the commentary is needed by must be today or later".into(),
                ));
                None
            }
            Some(day) => Some(day),
            None => {
                errors.push((
                    "due".into(),
                    "Enter the date as a real date, for example 15/01/2027".into(),
                ));
                None
            }
        };
        let note = note.trim();
        if note.chars().count() > 2_000 {
            errors.push((
                "note".into(),
                "The note must be 2,000 characters or fewer".into(),
            ));
        }
        if visible.plan.archived {
            errors.push((
                "form".into(),
                "This plan is archived: restore it before asking for commentary".into(),
            ));
        }
        let (Some(period), Some(due), true) = (period, due, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let (with_owner, without_owner): (Vec<Askable>, Vec<Askable>) = self
            .askable(&visible)
            .await?
            .into_iter()
            .partition(|(_, _, owners)| !owners.is_empty());
        if with_owner.is_empty() {
            return Err(AppError::invalid(
                "form",
                "No indicator or objective of this plan has an owner to ask: give them owners first",
            ));
        }
        let requests: Vec<NewCommentaryRequest> = with_owner
            .iter()
            .map(|(subject, _, owners)| NewCommentaryRequest {
                subject: *subject,
                owners: owners.clone(),
            })
            .collect();
        let mut audit = actor.audit("commentary.ask");
        audit.org = Some(visible.plan.org);
        audit.plan = Some(visible.plan.id);
        audit.subject = Some(format!(
            "Commentary for {period} asked of {} owners by {due}",
            requests.len()
        ));
        audit.detail = Some(serde_json::json!({
            "period": period.to_string(),
            "due": due.to_string(),
            "subjects": requests.len(),
        }));
        let note = (!note.is_empty()).then_some(note);
        let asked = self
            .store()
            .ask_for_commentary(
                visible.scope(),
                plan,
                &period.to_string(),
                due,
                note,
                Some(&actor.name()),
                &requests,
                &audit,
            )
            .await?;
        Ok(AskedForCommentary {
            period: period.to_string(),
            due,
            asked,
            without_owner: without_owner
                .into_iter()
                .map(|(_, title, _)| title)
                .collect(),
        })
    }

    /// The newest ask for each subject of the plan's period, with whether it has been
    /// written, in the order asked.
    pub async fn commentary_asked(
        &self,
        actor: &Actor,
        plan: PlanId,
        period: &str,
    ) -> Result<Vec<CommentaryAsk>> {
        let visible = self.plan(actor, plan).await?;
        let period = parse_report_period(period)?.to_string();
        let requests = self
            .store()
            .commentary_requests(visible.scope(), plan, Some(&period))
            .await?;
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let titles: BTreeMap<NarrativeSubject, String> = self
            .askable(&visible)
            .await?
            .into_iter()
            .map(|(subject, title, _)| (subject, title))
            .collect();
        let versions = self
            .store()
            .narratives(visible.scope(), plan, &period, None)
            .await?;
        Ok(newest_asks(requests, &titles, &versions))
    }

    /// What is asked of the actor's posts and not yet written, across the plans they may see,
    /// soonest due first.
    pub async fn my_commentary_asks(&self, actor: &Actor) -> Result<Vec<MyCommentaryAsk>> {
        if actor.posts.is_empty() {
            return Ok(Vec::new());
        }
        let holds = |owners: &[String]| {
            owners.iter().any(|owner| {
                actor
                    .posts
                    .iter()
                    .any(|post| post.eq_ignore_ascii_case(owner))
            })
        };
        let mut mine = Vec::new();
        for visible in self.visible_plans(actor).await? {
            if visible.plan.archived {
                continue;
            }
            let requests = self
                .store()
                .commentary_requests(visible.scope(), visible.plan.id, None)
                .await?;
            let mut by_period: BTreeMap<String, Vec<CommentaryRequest>> = BTreeMap::new();
            for request in requests {
                by_period
                    .entry(request.period.clone())
                    .or_default()
                    .push(request);
            }
            let by_period: Vec<_> = by_period
                .into_iter()
                .filter(|(_, requests)| requests.iter().any(|r| holds(&r.owners)))
                .collect();
            if by_period.is_empty() {
                continue;
            }
            // Only what the actor may see of the plan is named.
            let titles: BTreeMap<NarrativeSubject, String> = self
                .askable(&visible)
                .await?
                .into_iter()
                .map(|(subject, title, _)| (subject, title))
                .collect();
            for (period, requests) in by_period {
                let versions = self
                    .store()
                    .narratives(visible.scope(), visible.plan.id, &period, None)
                    .await?;
                for ask in newest_asks(requests, &titles, &versions) {
                    if ask.written.is_none() && holds(&ask.request.owners) {
                        mine.push(MyCommentaryAsk {
                            plan: visible.plan.id,
                            plan_title: visible.plan.title.clone(),
                            ask,
                        });
                    }
                }
            }
        }
        mine.sort_by(|a, b| {
            (a.ask.request.due, a.plan, a.ask.request.id).cmp(&(
                b.ask.request.due,
                b.plan,
                b.ask.request.id,
            ))
        });
        Ok(mine)
    }

    /// Every indicator and objective of the plan the actor may see, with its owner posts.
    async fn askable(&self, visible: &crate::access::VisiblePlan) -> Result<Vec<Askable>> {
        let read = self.read_view(visible, self.today(), None).await?;
        let mut subjects: Vec<Askable> = read
            .view
            .items
            .iter()
            .filter(|item| item.depth == 0)
            .map(|item| {
                (
                    NarrativeSubject::Objective(item.id),
                    item.fields.text.clone(),
                    item.fields.owners.clone(),
                )
            })
            .collect();
        for stored in self.visible_indicators(visible).await? {
            subjects.push((
                NarrativeSubject::Indicator(stored.indicator.id),
                stored.indicator.title.clone(),
                stored.owner_post.iter().cloned().collect(),
            ));
        }
        Ok(subjects)
    }
}

/// The newest ask for each subject still visible (in `titles`), with its answer: the text in
/// force for the subject, where it was written at or after the ask.
fn newest_asks(
    requests: Vec<CommentaryRequest>,
    titles: &BTreeMap<NarrativeSubject, String>,
    versions: &[NarrativeVersion],
) -> Vec<CommentaryAsk> {
    let mut newest: BTreeMap<NarrativeSubject, CommentaryRequest> = BTreeMap::new();
    for request in requests {
        newest.insert(request.subject, request);
    }
    let mut asks: Vec<CommentaryAsk> = newest
        .into_values()
        .filter_map(|request| {
            let title = titles.get(&request.subject)?.clone();
            let written = versions
                .iter()
                .rev()
                .find(|v| v.subject == request.subject)
                .filter(|v| v.body.is_some() && v.entered_at >= request.asked_at)
                .map(|v| (v.entered_at, v.entered_by.clone()));
            Some(CommentaryAsk {
                request,
                title,
                written,
            })
        })
        .collect();
    asks.sort_by_key(|ask| ask.request.id);
    asks
}
