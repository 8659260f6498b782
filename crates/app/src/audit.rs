//! The audit trail, read: administrators list their organisation's events by person, plan,
//! item and day, and download them as CSV. The operator reads every organisation's.

use waymark_store::{AuditEvent, AuditFilter};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

impl App {
    /// The events matching `filter` (narrowed to the actor's organisation), newest first, and
    /// how many match in all.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        mut filter: AuditFilter,
    ) -> Result<(usize, Vec<AuditEvent>)> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        if let Some(org) = actor.org() {
            filter.org = Some(org);
        }
        Ok(self.store().audit_events(&filter).await?)
    }

    /// The events matching `filter` as CSV, every one of them, and the download is audited.
    pub async fn audit_csv(&self, actor: &Actor, mut filter: AuditFilter) -> Result<Vec<u8>> {
        filter.limit = None;
        filter.offset = 0;
        let (_, events) = self.audit_events(actor, filter).await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let write_error = |e: csv::Error| AppError::Internal(format!("audit CSV: {e}"));
        writer
            .write_record([
                "When (UTC)",
                "Who",
                "Address",
                "Action",
                "Plan",
                "Item",
                "What",
                "Detail",
            ])
            .map_err(write_error)?;
        for event in &events {
            let cells = [
                event.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                event.actor.clone(),
                event.address.clone().unwrap_or_default(),
                event.action.clone(),
                event.plan.map(|p| p.0.to_string()).unwrap_or_default(),
                event.item.map(|i| i.0.to_string()).unwrap_or_default(),
                event.subject.clone().unwrap_or_default(),
                event.detail.clone().unwrap_or_default(),
            ];
            writer
                .write_record(cells.iter().map(|cell| spreadsheet_safe(cell)))
                .map_err(write_error)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| AppError::Internal(format!("audit CSV: {e}")))?;
        let mut audit = actor.audit("audit.export");
        audit.detail = Some(serde_json::json!({"events": events.len()}));
        self.store().record_audit(&audit).await?;
        Ok(bytes)
    }
}

/// A cell a spreadsheet shows as text: one starting with a formula character is quoted so
/// that Excel and LibreOffice never run it.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
