//! An organisation's report settings (the cover's name and logo, who reports are from, the
//! cover paper's words) and its glossary. Everyone in the organisation reads them;
//! administrators change them. Each save is a new version in the store, and audited.

use waymark_core::OrgId;
use waymark_report::ReportSettings;
use waymark_store::{
    GlossaryChange, GlossaryTermVersion, NewReportSettings, ReportSettingsFields,
    ReportSettingsVersion, Scope,
};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

impl App {
    /// The organisation whose settings an actor reads: their own (partners read their own
    /// organisation's, never the plan owner's).
    fn settings_org(&self, actor: &Actor, org: Option<OrgId>) -> Result<OrgId> {
        match (actor.org(), org) {
            (Some(own), Some(asked)) if own != asked => Err(AppError::NotFound),
            (Some(own), _) => Ok(own),
            (None, Some(asked)) => Ok(asked),
            (None, None) => Err(AppError::invalid("organisation", "Name the organisation")),
        }
    }

    /// Every saved version of the organisation's report settings, newest first.
    pub async fn report_settings_history(
        &self,
        actor: &Actor,
        org: Option<OrgId>,
    ) -> Result<Vec<ReportSettingsVersion>> {
        let org = self.settings_org(actor, org)?;
        Ok(self
            .store()
            .report_settings_history(Scope::Org(org), org)
            .await?)
    }

    /// Saves the organisation's report settings as a new version. Administrators only.
    pub async fn save_report_settings(
        &self,
        actor: &Actor,
        fields: ReportSettingsFields,
    ) -> Result<ReportSettingsVersion> {
        let org = self.settings_org(actor, None)?;
        if !actor.subject.administers(org) {
            return Err(AppError::Forbidden);
        }
        let saved = self
            .store()
            .save_report_settings(
                Scope::Org(org),
                &NewReportSettings {
                    org,
                    fields,
                    entered_by: Some(actor.name()),
                },
            )
            .await?;
        let mut audit = actor.audit("settings.reports");
        audit.detail = Some(serde_json::json!({"version": saved.id}));
        self.store().record_audit(&audit).await?;
        Ok(saved)
    }

    /// The settings a report of an `org` plan is made with, as the actor sees them: the
    /// organisation's saved settings and glossary.
    pub async fn report_settings_for(&self, org: OrgId) -> Result<ReportSettings> {
        let saved = self.store().report_settings(Scope::Org(org), org).await?;
        let glossary = self.store().glossary_terms(Scope::Org(org), org).await?;
        Ok(ReportSettings::from_saved(
            saved.as_ref().map(|version| &version.fields),
            &glossary,
        ))
    }

    /// The organisation's own glossary rows in force (additions, rewordings, removals).
    pub async fn glossary_terms(&self, actor: &Actor) -> Result<Vec<GlossaryTermVersion>> {
        let org = self.settings_org(actor, None)?;
        Ok(self.store().glossary_terms(Scope::Org(org), org).await?)
    }

    /// The latest changes to the organisation's glossary, newest first.
    pub async fn glossary_history(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<GlossaryTermVersion>> {
        let org = self.settings_org(actor, None)?;
        Ok(self
            .store()
            .glossary_history(Scope::Org(org), org, limit)
            .await?)
    }

    /// Changes the organisation's glossary in one transaction. Administrators only.
    pub async fn change_glossary(&self, actor: &Actor, changes: &[GlossaryChange]) -> Result<()> {
        let org = self.settings_org(actor, None)?;
        if !actor.subject.administers(org) {
            return Err(AppError::Forbidden);
        }
        self.store()
            .change_glossary(Scope::Org(org), org, changes, Some(&actor.name()))
            .await?;
        let mut audit = actor.audit("settings.glossary");
        audit.detail = Some(serde_json::json!(
            changes
                .iter()
                .map(|c| serde_json::json!({"term": c.term, "meaning": c.meaning}))
                .collect::<Vec<_>>()
        ));
        self.store().record_audit(&audit).await?;
        Ok(())
    }

    /// The actor's organisation's name.
    pub async fn organisation_name(&self, actor: &Actor) -> Result<String> {
        match &actor.organisation {
            Some(org) => Ok(org.name.clone()),
            None => Ok(String::new()),
        }
    }
}
