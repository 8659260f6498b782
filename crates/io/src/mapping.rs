//! The optional mapping file: says which row is the header and what columns hold when the
//! header's words are not enough. Anything it names overrides detection; the rest is detected.
//!
//! ```toml
//! header_row = 7            # the header's row number as the spreadsheet shows it
//! sheet = "Tracker"         # read only this sheet
//! levels = ["Strategic objective", "Action"]
//!
//! [columns]
//! "Area for Improvement" = "text"
//! "Lead" = "strategic_lead"
//! "Notes" = "ignore"
//!
//! [objectives]              # an indicator table's objectives, as the file writes them
//! "Roads policing" = "3"    # the plan's objective with reference 3 (or its text)
//! "Reduce crime and ASB" = "new"   # a new objective, whatever matching finds
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::header::{Field, normalise_header};
use crate::objective_match::ObjectiveChoice;

/// A parsed mapping file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    pub header_row: Option<usize>,
    pub sheet: Option<String>,
    pub levels: Vec<String>,
    /// Normalised header → field.
    columns: Vec<(String, Field)>,
    /// An indicator table's objective as the file writes it → what the person said it is.
    pub objectives: Vec<(String, ObjectiveChoice)>,
}

/// A correction a person gives on the command line (`--map "Header=field"`) that is not a
/// column and a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" does not map a column: write it as \"Header=field\", the field one of {expected}"
)]
pub struct CorrectionError {
    pub given: String,
    pub expected: &'static str,
}

/// Why a mapping file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the mapping file is not valid TOML: {0}")]
    Toml(String),
    #[error(
        "the mapping file maps column \"{column}\" to \"{field}\", which is not a field (expected one of {expected})"
    )]
    UnknownField {
        column: String,
        field: String,
        expected: &'static str,
    },
    #[error(
        "the mapping file's [objectives] gives nothing for \"{written}\": give the reference or text of the plan's objective, or \"new\""
    )]
    EmptyObjective { written: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    header_row: Option<usize>,
    sheet: Option<String>,
    #[serde(default)]
    levels: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    objectives: BTreeMap<String, String>,
}

/// The field names a mapping may give, for messages.
pub const FIELD_NAMES: &str = "reference, text, description, strategic_lead, owner, start, due, \
                               updates, update_date, complete, completed_on, rag, parent, level, \
                               own, ignore";

impl Mapping {
    /// Parses the text of a mapping file.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let file: MappingFile =
            toml::from_str(text).map_err(|error| MappingError::Toml(error.to_string()))?;
        let mut columns = Vec::new();
        for (column, field_name) in file.columns {
            let field = Field::parse(&field_name).ok_or_else(|| MappingError::UnknownField {
                column: column.clone(),
                field: field_name.clone(),
                expected: FIELD_NAMES,
            })?;
            columns.push((normalise_header(&column), field));
        }
        let mut objectives = Vec::new();
        for (written, chosen) in file.objectives {
            if chosen.trim().is_empty() {
                return Err(MappingError::EmptyObjective { written });
            }
            objectives.push((written.trim().to_string(), ObjectiveChoice::parse(&chosen)));
        }
        Ok(Mapping {
            header_row: file.header_row,
            sheet: file.sheet,
            levels: file.levels,
            columns,
            objectives,
        })
    }

    /// The mapping with `header` read as `field`, whatever it said of that header before: a
    /// correction the person made in the preview or with `--map`. Detection keeps naming the
    /// columns the mapping does not.
    pub fn with_column(mut self, header: &str, field: Field) -> Mapping {
        let normal = normalise_header(header);
        self.columns.retain(|(name, _)| *name != normal);
        self.columns.push((normal, field));
        self
    }

    /// Reads one `--map` correction, `Header=field` (the last `=` splits them, so a header may
    /// hold one), into the mapping.
    pub fn with_correction(self, correction: &str) -> Result<Mapping, CorrectionError> {
        let refused = || CorrectionError {
            given: correction.to_string(),
            expected: FIELD_NAMES,
        };
        let (header, field) = correction.rsplit_once('=').ok_or_else(refused)?;
        let field = Field::parse(field).ok_or_else(refused)?;
        if header.trim().is_empty() {
            return Err(refused());
        }
        Ok(self.with_column(header, field))
    }

    /// The field the mapping gives a header, if it names it.
    pub fn field_for(&self, header: &str) -> Option<Field> {
        let normal = normalise_header(header);
        self.columns
            .iter()
            .find(|(name, _)| *name == normal)
            .map(|(_, field)| *field)
    }
}

/// A mapping file's text, for the corrections a person made in the web preview to be used
/// with `waymark import --mapping`: the header row and the sheet where given, and each column
/// by its header as written, and each objective chosen (as written → the plan's objective's
/// reference or text, or "new"). `Mapping::parse` reads it back; `note` becomes its first
/// comment.
pub fn mapping_file_text(
    note: &str,
    header_row: Option<usize>,
    sheet: Option<&str>,
    columns: &[(String, Field)],
    objectives: &[(String, String)],
) -> Result<String, String> {
    #[derive(serde::Serialize)]
    struct MappingFileOut {
        #[serde(skip_serializing_if = "Option::is_none")]
        header_row: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sheet: Option<String>,
        columns: BTreeMap<String, String>,
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        objectives: BTreeMap<String, String>,
    }
    let file = MappingFileOut {
        header_row,
        sheet: sheet.map(str::to_string),
        columns: columns
            .iter()
            .map(|(header, field)| (header.clone(), field.name().to_string()))
            .collect(),
        objectives: objectives.iter().cloned().collect(),
    };
    let body = toml::to_string(&file).map_err(|error| error.to_string())?;
    let comment: String = note.lines().map(|line| format!("# {line}\n")).collect();
    Ok(format!("{comment}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_files_override_columns() {
        let mapping = Mapping::parse(
            "header_row = 7\nlevels = [\"Theme\", \"Action\"]\n[columns]\n\"Lead\" = \"strategic_lead\"\n\"Notes\" = \"ignore\"\n",
        )
        .unwrap();
        assert_eq!(mapping.header_row, Some(7));
        assert_eq!(mapping.field_for("LEAD"), Some(Field::StrategicLead));
        assert_eq!(mapping.field_for("Notes"), Some(Field::Ignore));
        assert_eq!(mapping.field_for("Owner"), None);
    }

    #[test]
    fn a_correction_replaces_what_the_mapping_said_of_a_column() {
        let mapping = Mapping::parse("[columns]\n\"Lead\" = \"strategic_lead\"\n")
            .unwrap()
            .with_correction("LEAD=owner")
            .unwrap()
            .with_correction("Progress = Outcome=updates")
            .unwrap()
            .with_correction(" Notes =own")
            .unwrap();
        assert_eq!(mapping.field_for("Lead"), Some(Field::Owner));
        assert_eq!(
            mapping.field_for("Progress = Outcome"),
            Some(Field::Updates)
        );
        assert_eq!(mapping.field_for("notes"), Some(Field::Own));
        let error = Mapping::default().with_correction("Lead").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "\"Lead\" does not map a column: write it as \"Header=field\", the field one of {FIELD_NAMES}"
            )
        );
        assert!(Mapping::default().with_correction("Lead=boss").is_err());
        assert!(Mapping::default().with_correction("=owner").is_err());
    }

    #[test]
    fn a_mapping_file_written_from_corrections_reads_back_as_them() {
        let text = mapping_file_text(
            "Corrections of plans.xlsx",
            Some(3),
            Some("Custody"),
            &[
                ("Lead".to_string(), Field::StrategicLead),
                ("Notes \"2015\"".to_string(), Field::Ignore),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            text,
            "# Corrections of plans.xlsx\nheader_row = 3\nsheet = \"Custody\"\n\n[columns]\n\
             Lead = \"strategic_lead\"\n'Notes \"2015\"' = \"ignore\"\n"
        );
        let mapping = Mapping::parse(&text).unwrap();
        assert_eq!(mapping.header_row, Some(3));
        assert_eq!(mapping.sheet.as_deref(), Some("Custody"));
        assert_eq!(mapping.field_for("lead"), Some(Field::StrategicLead));
        assert_eq!(mapping.field_for("Notes \"2015\""), Some(Field::Ignore));
    }

    #[test]
    fn objectives_chosen_read_back_from_the_mapping_file() {
        let text = mapping_file_text(
            "Corrections of indicators.csv",
            None,
            None,
            &[],
            &[
                ("Roads policing".to_string(), "3".to_string()),
                ("Reduce crime and ASB".to_string(), "new".to_string()),
            ],
        )
        .unwrap();
        assert_eq!(
            text,
            "# Corrections of indicators.csv\n[columns]\n\n[objectives]\n\
             \"Reduce crime and ASB\" = \"new\"\n\"Roads policing\" = \"3\"\n"
        );
        let mapping = Mapping::parse(&text).unwrap();
        assert_eq!(
            mapping.objectives,
            vec![
                ("Reduce crime and ASB".to_string(), ObjectiveChoice::New),
                (
                    "Roads policing".to_string(),
                    ObjectiveChoice::Named("3".to_string())
                ),
            ]
        );
        let error = Mapping::parse("[objectives]\n\"Roads policing\" = \" \"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the mapping file's [objectives] gives nothing for \"Roads policing\": give the \
             reference or text of the plan's objective, or \"new\""
        );
    }

    #[test]
    fn unknown_fields_and_keys_are_refused() {
        let error = Mapping::parse("[columns]\n\"Lead\" = \"boss\"\n").unwrap_err();
        assert!(error.to_string().contains("\"boss\""));
        assert!(matches!(
            Mapping::parse("headerrow = 3"),
            Err(MappingError::Toml(_))
        ));
    }
}
