//! The annual collaboration report through the report engine: a programme for a year, as the
//! actor may see it, laid out as seed 003 lays its plan out (summary, projects by area and
//! status, funding by year and source, the cost share per organisation, savings against
//! target, the framework matrix, governance). Every figure is worked out from the data by
//! [`crate::programme::summarise`]; nothing is typed in.

use waymark_core::date::format_long;
use waymark_core::indicator::FinancialYear;
use waymark_core::programme::{FundingTotal, format_pence, year_label};
use waymark_core::{PlanId, Rag};
use waymark_report::Format;
use waymark_report::document::{DocTable, Document, Section, render_document};

use crate::App;
use crate::actor::Actor;
use crate::error::Result;
use crate::programme::ProgrammeSummary;

impl App {
    /// The annual collaboration report of a programme for `year`, rendered in `format`, with
    /// its file name. Not found where the actor may not see the programme.
    pub async fn collaboration_report(
        &self,
        actor: &Actor,
        plan: PlanId,
        year: FinancialYear,
        format: Format,
    ) -> Result<(String, Vec<u8>)> {
        let summary = self.programme_summary(actor, plan, year).await?;
        let document = collaboration_document(&summary, self.today());
        let name = document.file_name(format);
        let bytes =
            tokio::task::spawn_blocking(move || render_document(&document, format)).await??;
        Ok((name, bytes))
    }
}

/// A total as two cells, the known amount and how many amounts are not known: a total whose
/// every amount is unknown says "None known", never "£0", since nothing is known to be zero.
fn money_cell(total: &FundingTotal) -> (String, String) {
    (
        if total.lines > 0 && total.unknown_count == total.lines {
            "None known".to_string()
        } else {
            format_pence(total.known_pence)
        },
        match total.unknown_count {
            0 => String::new(),
            1 => "1 amount not known".to_string(),
            n => format!("{n} amounts not known"),
        },
    )
}

/// A total in one cell: "£1,500,000", "Not known", or "£1,670,000 and 1 not known".
fn money_words(total: &FundingTotal) -> String {
    match total.unknown_count {
        0 => format_pence(total.known_pence),
        n if n == total.lines => "Not known".to_string(),
        n => format!("{} and {n} not known", format_pence(total.known_pence)),
    }
}

/// `part` of `whole` as a percentage to two decimal places, rounded half up: "28.25%" (two
/// places, so that the parts of seed 003's five grants add up to 100.00% as printed).
fn percent_of(part: i64, whole: i64) -> String {
    let hundredths = (i128::from(part) * 10_000 + i128::from(whole) / 2) / i128::from(whole);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// "1 project", "12 projects".
fn projects_count(n: usize) -> String {
    if n == 1 {
        "1 project".to_string()
    } else {
        format!("{n} projects")
    }
}

/// Whether any saving counts in the year: with none, the savings read "none recorded", not £0.
fn savings_recorded(summary: &ProgrammeSummary) -> bool {
    let s = &summary.savings;
    s.cashable_planned != 0
        || s.cashable_realised != 0
        || s.non_cashable_planned != 0
        || s.non_cashable_realised != 0
}

fn table(caption: &str, header: &[&str], numeric: &[bool], rows: Vec<Vec<String>>) -> DocTable {
    DocTable {
        caption: caption.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        numeric: numeric.to_vec(),
        total_row: false,
    }
}

fn rag_word(rag: Option<Rag>) -> String {
    rag.map_or("Not assessed", Rag::word).to_string()
}

/// The report's sections, from a programme's summary.
pub fn collaboration_document(summary: &ProgrammeSummary, today: chrono::NaiveDate) -> Document {
    let year = year_label(summary.year);
    let plan = &summary.plan.plan;
    let lead = summary
        .lead
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let participants: Vec<String> = summary
        .participants
        .iter()
        .map(|p| p.organisation.name.clone())
        .collect();
    let mut sections = Vec::new();

    // 1. Summary.
    let status_words = summary
        .projects_by_status
        .iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut summary_lines = vec![format!(
        "{} organisations take part in the programme: {}. {} leads it.",
        participants.len(),
        participants.join(", "),
        if lead.is_empty() {
            "No organisation"
        } else {
            &lead
        }
    )];
    if let Some(cost) = &summary.cost {
        summary_lines.push(format!(
            "{} costs {} in {year}, shared {}.",
            cost.cost.label,
            format_pence(cost.cost.total),
            cost.cost.method.describe().to_lowercase()
        ));
    }
    summary_lines.push(format!(
        "The programme has {} in {} areas ({status_words}).",
        projects_count(summary.projects.len()),
        summary.projects_by_area.len()
    ));
    if let Some(total) = summary.funding_by_year.get(&summary.year) {
        let (known, unknown) = money_cell(total);
        summary_lines.push(if unknown.is_empty() {
            format!("Funding of {known} is recorded for {year}.")
        } else {
            format!("Funding of {known} is recorded for {year}, and {unknown}.")
        });
    }
    let recorded = savings_recorded(summary);
    summary_lines.push(match summary.progress.target {
        Some(target) if !recorded => format!(
            "No savings are recorded for {year}, against a target of cashable savings of {}.",
            format_pence(target)
        ),
        None if !recorded => format!("No savings are recorded for {year}, and no target is set."),
        Some(target) => format!(
            "Cashable savings of {} were realised in {year} against a target of {}{}.",
            format_pence(summary.progress.realised),
            format_pence(target),
            match summary.progress.met {
                Some(true) => ": the target is met",
                _ => ": the target is not yet met",
            }
        ),
        None => format!(
            "Cashable savings of {} were realised in {year}; no target is set.",
            format_pence(summary.progress.realised)
        ),
    });
    sections.push(Section {
        heading: "Summary".into(),
        paragraphs: summary_lines,
        tables: Vec::new(),
    });

    // 2. Projects by area and status.
    let mut area_tables = vec![table(
        "Projects by status",
        &["Status", "Projects"],
        &[false, true],
        summary
            .projects_by_status
            .iter()
            .map(|(s, n)| vec![capitalised(s), n.to_string()])
            .collect(),
    )];
    // Areas in the plan's order, as the programme lists them.
    let mut areas: Vec<&String> = Vec::new();
    for project in &summary.projects {
        if !areas.contains(&&project.area) {
            areas.push(&project.area);
        }
    }
    // A column no project has a value in (no leads named, no RAG assessed yet) is left out,
    // so the columns that say something have the width to say it.
    let projects = &summary.projects;
    let with_lead = projects.iter().any(|p| p.lead.is_some());
    let with_model = projects.iter().any(|p| p.facts.model.is_some());
    let with_rag = projects.iter().any(|p| p.rag.is_some());
    let with_update = projects.iter().any(|p| p.latest_update.is_some());
    let mut project_header = vec!["Project", "Status"];
    if with_lead {
        project_header.push("Lead");
    }
    project_header.push("Participants");
    if with_model {
        project_header.push("Model");
    }
    if with_rag {
        project_header.push("RAG");
    }
    if with_update {
        project_header.push("Latest update");
    }
    for area in areas.iter().copied() {
        area_tables.push(table(
            area,
            &project_header,
            &vec![false; project_header.len()],
            projects
                .iter()
                .filter(|p| &p.area == area)
                .map(|p| {
                    let mut row = vec![p.name.clone(), p.facts.status.label()];
                    if with_lead {
                        row.push(p.lead.as_ref().map(|o| o.name.clone()).unwrap_or_default());
                    }
                    row.push(if p.participants.is_empty() {
                        "All".to_string()
                    } else {
                        p.participants
                            .iter()
                            .map(|o| o.name.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    });
                    if with_model {
                        row.push(
                            p.facts
                                .model
                                .as_ref()
                                .map(|m| m.label().to_string())
                                .unwrap_or_default(),
                        );
                    }
                    if with_rag {
                        row.push(rag_word(p.rag));
                    }
                    if with_update {
                        row.push(p.latest_update.clone().unwrap_or_default());
                    }
                    row
                })
                .collect(),
        ));
    }
    sections.push(Section {
        heading: "Projects by area and status".into(),
        paragraphs: areas
            .iter()
            .map(|area| {
                format!(
                    "{area}: {}.",
                    projects_count(summary.projects_by_area.get(*area).copied().unwrap_or(0))
                )
            })
            .collect(),
        tables: area_tables,
    });

    // 3. Funding by year and source.
    let mut by_year: Vec<Vec<String>> = summary
        .funding_by_year
        .iter()
        .map(|(y, total)| {
            let (known, unknown) = money_cell(total);
            vec![year_label(*y), known, unknown]
        })
        .collect();
    if by_year.is_empty() {
        by_year.push(vec!["None recorded".into(), String::new(), String::new()]);
    }
    let mut funding_tables = Vec::new();
    let all_years = summary
        .funding_by_year
        .values()
        .fold(FundingTotal::default(), |mut sum, t| {
            sum.known_pence += t.known_pence;
            sum.unknown_count += t.unknown_count;
            sum.lines += t.lines;
            sum
        });
    let mut by_year_table = table(
        "Funding by year",
        &["Year", "Known", "Not known"],
        &[false, true, false],
        by_year,
    );
    if summary.funding_by_year.len() > 1 {
        let (known, unknown) = money_cell(&all_years);
        by_year_table
            .rows
            .push(vec!["All years".into(), known, unknown]);
        by_year_table.total_row = true;
    }
    funding_tables.push(by_year_table);
    // Seed 003's table: a row per source, a column per year, a cell left blank where the
    // source gave nothing that year and "Not known" where it gave an amount nobody knows yet;
    // the total row counts the unknown amounts beside the known sum.
    if !summary.funding_by_source_and_year.is_empty() {
        let years: Vec<_> = summary.funding_by_year.keys().copied().collect();
        let mut header = vec!["Source".to_string()];
        header.extend(years.iter().map(|y| year_label(*y)));
        let mut rows: Vec<Vec<String>> = summary
            .funding_by_source_and_year
            .iter()
            .map(|(source, by_year)| {
                let mut row = vec![source.clone()];
                row.extend(
                    years
                        .iter()
                        .map(|y| by_year.get(y).map(money_words).unwrap_or_default()),
                );
                row
            })
            .collect();
        let mut total = vec!["Total".to_string()];
        total.extend(years.iter().map(|y| {
            summary
                .funding_by_year
                .get(y)
                .map(money_words)
                .unwrap_or_default()
        }));
        rows.push(total);
        let columns = header.len();
        let mut numeric = vec![true; columns];
        numeric[0] = false;
        funding_tables.push(DocTable {
            caption: "Funding by source and year".into(),
            header,
            rows,
            numeric,
            total_row: true,
        });
    }
    sections.push(Section {
        heading: "Funding by year and source".into(),
        paragraphs: vec![
            "An amount not yet known (written \"xxx\" or \"tbc\") is counted, not added in as \
             nothing: a year with amounts not known has a known total that is a floor, and a \
             source whose every amount is unknown reads \"Not known\", not £0."
                .into(),
        ],
        tables: funding_tables,
    });

    // 4. The cost share per organisation.
    let mut cost_paragraphs = Vec::new();
    let mut cost_tables = Vec::new();
    if let Some(cost) = &summary.cost {
        let source_of = |b: &waymark_core::programme::BasisFigure| {
            if b.illustrative {
                format!("{} (illustrative)", b.source)
            } else {
                b.source.clone()
            }
        };
        // Where every basis comes from the same source (seed 003: "in proportion to their
        // levels of government grant"), it is said once above the table, not on every row.
        let mut sources: Vec<String> = summary
            .participants
            .iter()
            .filter_map(|p| p.basis.as_ref().map(source_of))
            .collect();
        sources.dedup();
        let one_source = (sources.len() == 1).then(|| sources.remove(0));
        let total = cost.cost.total;
        let mut rows: Vec<Vec<String>> = summary
            .participants
            .iter()
            .map(|p| {
                let mut row = vec![
                    p.organisation.name.clone(),
                    p.basis
                        .as_ref()
                        .map(|b| b.kind.format_value(b.value))
                        .unwrap_or_default(),
                ];
                if one_source.is_none() {
                    row.push(p.basis.as_ref().map(source_of).unwrap_or_default());
                }
                row.push(
                    p.share_pence
                        .filter(|_| total > 0)
                        .map(|share| percent_of(share, total))
                        .unwrap_or_default(),
                );
                row.push(p.share_pence.map(format_pence).unwrap_or_default());
                row
            })
            .collect();
        let shared: i64 = summary
            .participants
            .iter()
            .filter_map(|p| p.share_pence)
            .sum();
        let mut total_row = vec!["Total".to_string(), String::new()];
        if one_source.is_none() {
            total_row.push(String::new());
        }
        total_row.push(if total > 0 {
            percent_of(shared, total)
        } else {
            String::new()
        });
        total_row.push(format_pence(shared));
        rows.push(total_row);
        let (header, numeric): (&[&str], &[bool]) = if one_source.is_none() {
            (
                &["Organisation", "Basis", "Source", "Part", "Share"],
                &[false, true, false, true, true],
            )
        } else {
            (
                &["Organisation", "Basis", "Part", "Share"],
                &[false, true, true, true],
            )
        };
        let mut shares = table(
            &format!("{} {year}: {}", cost.cost.label, format_pence(total)),
            header,
            numeric,
            rows,
        );
        shares.total_row = true;
        cost_paragraphs.push(format!(
            "{} costs {} in {year}, shared {}.{}",
            cost.cost.label,
            format_pence(total),
            cost.cost.method.describe().to_lowercase(),
            match &one_source {
                Some(source) => format!(" Source of each basis: {source}."),
                None => String::new(),
            }
        ));
        cost_tables.push(shares);
        cost_tables.push(table(
            "How each share is worked out",
            &["Apportionment statement"],
            &[false],
            cost.statement
                .iter()
                .map(|line| vec![line.clone()])
                .collect(),
        ));
    } else {
        cost_paragraphs.push(match &summary.cost_problem {
            Some(problem) => format!("The programme's cost cannot be shared: {problem}."),
            None => format!("No cost is recorded for {year}."),
        });
    }
    for (cost, shared) in &summary.project_costs {
        match shared {
            Ok(apportionment) => cost_paragraphs.extend(apportionment.statement(&|org| {
                summary
                    .participants
                    .iter()
                    .find(|p| p.organisation.id == org)
                    .map_or_else(
                        || format!("organisation {}", org.0),
                        |p| p.organisation.name.clone(),
                    )
            })),
            Err(problem) => cost_paragraphs.push(format!("{}: {problem}.", cost.label)),
        }
    }
    sections.push(Section {
        heading: "The cost share per organisation".into(),
        paragraphs: cost_paragraphs,
        tables: cost_tables,
    });

    // 5. Savings against target.
    let progress = &summary.progress;
    // With no saving counted in the year, the amounts read "None recorded", not £0 realised
    // against the target, and no percentage is worked out from nothing.
    let recorded_or = |pence: i64| {
        if savings_recorded(summary) {
            format_pence(pence)
        } else {
            "None recorded".to_string()
        }
    };
    let mut savings_rows = vec![
        vec![
            "Target (cashable)".to_string(),
            progress
                .target
                .map(format_pence)
                .unwrap_or_else(|| "None set".into()),
        ],
        vec!["Cashable, realised".into(), recorded_or(progress.realised)],
        vec!["Cashable, planned".into(), recorded_or(progress.planned)],
        vec![
            "Non-cashable, realised".into(),
            recorded_or(summary.savings.non_cashable_realised),
        ],
        vec![
            "Non-cashable, planned".into(),
            recorded_or(summary.savings.non_cashable_planned),
        ],
    ];
    if let Some(percent) = progress
        .realised_percent
        .filter(|_| savings_recorded(summary))
    {
        savings_rows.push(vec![
            "Realised against target".into(),
            format!("{}.{}%", percent / 100, (percent % 100) / 10),
        ]);
    }
    let mut savings_tables = vec![table(
        &format!("Savings, {year}"),
        &["", "Amount"],
        &[false, true],
        savings_rows,
    )];
    let mut savings_paragraphs = vec![
        "A one-off saving counts in its own year only; a recurring saving counts in each year \
         from the year it starts."
            .to_string(),
    ];
    if let Some(back) = &summary.share_back {
        savings_paragraphs.push(format!(
            "Realised cashable savings are shared back {}.",
            back.rule.describe().to_lowercase()
        ));
        savings_tables.push(table(
            "Savings shared back",
            &["Organisation", "Share of realised savings"],
            &[false, true],
            back.shares
                .iter()
                .map(|(o, p)| vec![o.name.clone(), format_pence(*p)])
                .collect(),
        ));
    }
    sections.push(Section {
        heading: "Savings against target".into(),
        paragraphs: savings_paragraphs,
        tables: savings_tables,
    });

    // 6. The framework matrix: each project against each taxonomy, as appendix A does.
    let matrix = &summary.matrix;
    let mut header = vec!["Project".to_string()];
    header.extend(matrix.taxonomies.iter().map(|t| t.name.clone()));
    let status_of = |item| {
        summary
            .projects
            .iter()
            .find(|p| p.item == item)
            .map_or("current", |p| p.facts.status.as_str())
    };
    let rows: Vec<(&str, Vec<String>)> = matrix
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.name.clone()];
            let mut at = 0;
            for taxonomy in &matrix.taxonomies {
                let values: Vec<String> = taxonomy
                    .values
                    .iter()
                    .zip(&row.marks[at..at + taxonomy.values.len()])
                    .filter(|(_, mark)| **mark)
                    .map(|(value, _)| value.clone())
                    .collect();
                at += taxonomy.values.len();
                cells.push(values.join(", "));
            }
            (status_of(row.project), cells)
        })
        .collect();
    let columns = header.len();
    // Appendix A lists current projects, then proposed ones; complete and stopped follow.
    let matrix_tables: Vec<DocTable> = ["current", "proposed", "complete", "stopped"]
        .iter()
        .filter_map(|status| {
            let group: Vec<Vec<String>> = rows
                .iter()
                .filter(|(s, _)| s == status)
                .map(|(_, cells)| cells.clone())
                .collect();
            (!group.is_empty()).then(|| DocTable {
                caption: format!("{} projects", capitalised(status)),
                header: header.clone(),
                rows: group,
                numeric: vec![false; columns],
                total_row: false,
            })
        })
        .collect();
    sections.push(Section {
        heading: "Contribution to performance".into(),
        paragraphs: if rows.is_empty() {
            vec!["No project is tagged against a framework.".into()]
        } else {
            matrix
                .taxonomies
                .iter()
                .zip(matrix_counts(summary))
                .map(|(t, counts)| format!("{}: {}.", t.name, counts))
                .collect()
        },
        tables: matrix_tables,
    });

    // 7. Governance.
    if !summary.governance.is_empty() {
        sections.push(Section {
            heading: "Governance".into(),
            paragraphs: Vec::new(),
            tables: vec![table(
                "Boards",
                &["Board", "Members", "Meets"],
                &[false; 3],
                summary
                    .governance
                    .iter()
                    .map(|b| {
                        vec![
                            b.name.clone(),
                            b.members.join(", "),
                            b.meets.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )],
        });
    }

    Document {
        title: format!("Annual collaboration report {year}"),
        subtitle: plan.title.clone(),
        organisation: lead,
        as_at: format!("As at {}", format_long(today)),
        as_at_iso: today.to_string(),
        marking: plan.marking.label(),
        sections,
    }
}

/// "Current" from "current".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// For each taxonomy, how many projects carry each of its values: "23 (20 projects), 24 (30)".
fn matrix_counts(summary: &ProgrammeSummary) -> Vec<String> {
    let counts = summary.matrix.column_counts();
    let mut at = 0;
    summary
        .matrix
        .taxonomies
        .iter()
        .map(|t| {
            let words = t
                .values
                .iter()
                .zip(&counts[at..at + t.values.len()])
                .map(|(v, n)| format!("{v} ({})", projects_count(*n)))
                .collect::<Vec<_>>()
                .join(", ");
            at += t.values.len();
            words
        })
        .collect()
}
