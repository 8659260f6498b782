//! The organisation's report settings, on the reports page: the name and logo on every cover,
//! who reports are from, and the words of the cover paper. Administrators change them with a
//! form (multipart, for the logo); everyone else sees them. Each save is a new version in the
//! store, so who changed what, and when, is kept.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use waymark_app::model::{ReportSettingsFields, ReportSettingsVersion, StoredLogo};
use waymark_core::PlanId;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{long_date, render};
use crate::state::AppState;

/// The largest logo accepted. A logo is printed about 2 cm high, so this is ample.
pub(super) const MAX_LOGO_BYTES: usize = 512 * 1024;
/// The longest a one-line setting (a name, a post) may be.
const MAX_LINE: usize = 200;
/// The longest a paragraph setting (purpose, background, recommendations) may be.
const MAX_TEXT: usize = 4_000;

/// The settings section of the reports page.
pub(super) struct SettingsSection {
    /// Administrators get the form; others see the settings and who may change them.
    pub can_edit: bool,
    /// The organisation's name in Waymark, used when no cover name is set.
    pub organisation: String,
    pub values: SettingsValues,
    /// "PNG logo, 12 KB", when one is set.
    pub logo: Option<String>,
    /// (when, who) of every saved version, newest first.
    pub history: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
}

impl SettingsSection {
    /// The hint under the cover name: what a blank field means.
    pub fn cover_name_hint(&self) -> String {
        format!("Leave blank to use {}.", self.organisation)
    }

    /// The message for a field, if it has one, for the GOV.UK error message beside it.
    pub fn error_for(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }
}

/// The settings as the form shows them: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SettingsValues {
    pub organisation_name: String,
    pub author: String,
    pub meeting: String,
    pub paper_title: String,
    pub purpose: String,
    pub background: String,
    /// One recommendation per line.
    pub recommendations: String,
    pub for_decision: bool,
    pub sponsor: String,
    pub paper_author: String,
}

impl SettingsValues {
    fn of(fields: &ReportSettingsFields) -> SettingsValues {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        SettingsValues {
            organisation_name: text(&fields.organisation_name),
            author: text(&fields.author),
            meeting: text(&fields.meeting),
            paper_title: text(&fields.paper_title),
            purpose: text(&fields.purpose),
            background: text(&fields.background),
            recommendations: fields.recommendations.join("\n"),
            for_decision: fields.for_decision,
            sponsor: text(&fields.sponsor),
            paper_author: text(&fields.paper_author),
        }
    }
}

/// The section for a viewer, from the settings in force.
pub(super) async fn section(
    state: &AppState,
    viewer: &Viewer,
) -> Result<SettingsSection, AppError> {
    let history = state
        .app
        .report_settings_history(&viewer.actor, None)
        .await?;
    let current = history.first();
    Ok(SettingsSection {
        can_edit: viewer.actor.is_administrator(),
        organisation: state.app.organisation_name(&viewer.actor).await?,
        values: current
            .map(|version| SettingsValues::of(&version.fields))
            .unwrap_or_default(),
        logo: current.and_then(|version| version.fields.logo.as_ref().map(logo_words)),
        history: history.iter().map(history_row).collect(),
        errors: Vec::new(),
    })
}

/// Saves the form as a new version and returns to the reports page; a form with mistakes is
/// shown again with each one named beside its field.
pub(super) async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    // The settings are the organisation's, but the form is a plan's: a plan the person cannot
    // read is not found, so the address tells nothing and changes nothing.
    state.app.plan(&viewer.actor, PlanId(id)).await?;
    if !viewer.actor.is_administrator() {
        return Err(AppError::Forbidden);
    }
    let form = read_form(multipart).await?;
    let history = state
        .app
        .report_settings_history(&viewer.actor, None)
        .await?;
    match check(&form, history.first()) {
        Ok(fields) => {
            state
                .app
                .save_report_settings(&viewer.actor, fields)
                .await?;
            Ok(
                Redirect::to(&format!("/plans/{id}/reports?settings=saved#settings"))
                    .into_response(),
            )
        }
        Err(errors) => {
            let mut page = super::page(&state, &viewer, id).await?;
            page.settings.values = form.values;
            page.settings.errors = errors;
            let mut response = render(&page)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

/// What the form sent.
#[derive(Debug, Default)]
struct SettingsForm {
    values: SettingsValues,
    logo: Vec<u8>,
    remove_logo: bool,
}

async fn read_form(mut multipart: Multipart) -> Result<SettingsForm, AppError> {
    let mut form = SettingsForm::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid("logo", format!("The form could not be read: {e}"))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "logo" {
            form.logo = field.bytes().await.map_err(bad)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        let values = &mut form.values;
        match name.as_str() {
            "organisation_name" => values.organisation_name = text,
            "author" => values.author = text,
            "meeting" => values.meeting = text,
            "paper_title" => values.paper_title = text,
            "purpose" => values.purpose = text,
            "background" => values.background = text,
            "recommendations" => values.recommendations = text,
            "for" => values.for_decision = text == "decision",
            "sponsor" => values.sponsor = text,
            "paper_author" => values.paper_author = text,
            "remove_logo" => form.remove_logo = !text.is_empty(),
            _ => {}
        }
    }
    Ok(form)
}

/// The fields to store, or every mistake by field. Without a new logo the current one is kept,
/// unless the form asks to remove it.
fn check(
    form: &SettingsForm,
    current: Option<&ReportSettingsVersion>,
) -> Result<ReportSettingsFields, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let values = &form.values;
    let mut line = |field: &str, label: &str, value: &str| -> Option<String> {
        let value = value.trim();
        if value.chars().count() > MAX_LINE {
            errors.push((
                field.to_string(),
                format!("{label} must be {MAX_LINE} characters or fewer"),
            ));
        }
        (!value.is_empty()).then(|| value.to_string())
    };
    let organisation_name = line(
        "organisation_name",
        "The name on the cover",
        &values.organisation_name,
    );
    let author = line("author", "Who reports are from", &values.author);
    let meeting = line("meeting", "The meeting", &values.meeting);
    let paper_title = line("paper_title", "The paper's title", &values.paper_title);
    let sponsor = line("sponsor", "The sponsor", &values.sponsor);
    let paper_author = line("paper_author", "The paper's author", &values.paper_author);
    let mut text = |field: &str, label: &str, value: &str| -> Option<String> {
        let value = value.trim().replace("\r\n", "\n");
        if value.chars().count() > MAX_TEXT {
            errors.push((
                field.to_string(),
                format!("{label} must be {MAX_TEXT} characters or fewer"),
            ));
        }
        (!value.is_empty()).then_some(value)
    };
    let purpose = text("purpose", "The purpose", &values.purpose);
    let background = text("background", "The background", &values.background);
    let recommendations: Vec<String> = text(
        "recommendations",
        "The recommendations",
        &values.recommendations,
    )
    .unwrap_or_default()
    .lines()
    .map(str::trim)
    .filter(|line| !line.is_empty())
    .map(str::to_string)
    .collect();

    let logo = if !form.logo.is_empty() {
        if form.logo.len() > MAX_LOGO_BYTES {
            errors.push((
                "logo".to_string(),
                format!("The logo must be smaller than {} KB", MAX_LOGO_BYTES / 1024),
            ));
            None
        } else {
            match waymark_report::Logo::from_bytes(&form.logo) {
                Ok(logo) => Some(StoredLogo {
                    media_type: logo.media_type,
                    bytes: form.logo.clone(),
                }),
                Err(error) => {
                    // The report crate says why in words: not PNG or SVG, unreadable, or
                    // linking to other files.
                    let message = match error {
                        waymark_report::ReportError::Invalid(message) => message,
                        _ => "The logo must be a PNG or SVG file".to_string(),
                    };
                    errors.push(("logo".to_string(), message));
                    None
                }
            }
        }
    } else if form.remove_logo {
        None
    } else {
        current.and_then(|version| version.fields.logo.clone())
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ReportSettingsFields {
        organisation_name,
        author,
        meeting,
        paper_title,
        purpose,
        background,
        recommendations,
        for_decision: values.for_decision,
        sponsor,
        paper_author,
        logo,
    })
}

/// "PNG logo, 12 KB".
fn logo_words(logo: &StoredLogo) -> String {
    let kind = if logo.media_type == "image/svg+xml" {
        "SVG"
    } else {
        "PNG"
    };
    format!("{kind} logo, {} KB", logo.bytes.len().div_ceil(1024))
}

fn history_row(version: &ReportSettingsVersion) -> (String, String) {
    let local = version.entered_at.with_timezone(&chrono::Local);
    (
        format!(
            "{} at {}",
            long_date(local.date_naive()),
            local.format("%-I:%M%P")
        ),
        version.entered_by.clone().unwrap_or_default(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    fn form(values: SettingsValues) -> SettingsForm {
        SettingsForm {
            values,
            ..SettingsForm::default()
        }
    }

    #[test]
    fn blank_fields_are_unset_and_recommendations_are_one_per_line() {
        let fields = check(
            &form(SettingsValues {
                organisation_name: "  ".into(),
                author: " Head of Performance ".into(),
                recommendations: "Note the progress.\r\n\r\n  Agree the plan. \n".into(),
                for_decision: true,
                ..SettingsValues::default()
            }),
            None,
        )
        .unwrap();
        assert_eq!(fields.organisation_name, None);
        assert_eq!(fields.author.as_deref(), Some("Head of Performance"));
        assert_eq!(
            fields.recommendations,
            ["Note the progress.", "Agree the plan."]
        );
        assert!(fields.for_decision);
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let errors = check(
            &SettingsForm {
                values: SettingsValues {
                    sponsor: "x".repeat(MAX_LINE + 1),
                    ..SettingsValues::default()
                },
                logo: b"GIF89a".to_vec(),
                remove_logo: false,
            },
            None,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["sponsor", "logo"]);
        assert_eq!(errors[1].1, "The logo must be a PNG or SVG file");
        let too_big = check(
            &SettingsForm {
                logo: [b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0; MAX_LOGO_BYTES]].concat(),
                ..SettingsForm::default()
            },
            None,
        )
        .unwrap_err();
        assert_eq!(too_big[0].1, "The logo must be smaller than 512 KB");
        let linked = check(
            &SettingsForm {
                logo: br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" height="9"><image xlink:href="crest.png" width="9" height="9"/></svg>"#.to_vec(),
                ..SettingsForm::default()
            },
            None,
        )
        .unwrap_err();
        assert!(
            linked[0]
                .1
                .starts_with("The logo must not link to other files")
        );
    }
}
