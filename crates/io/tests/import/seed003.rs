//! Seed 003, the East Midlands collaboration plan, read as a programme: as the text it is
//! (tab-separated lines among paragraphs) and as the Word document it came from. Its funding
//! table gives funding by year with "xxx" counted as unknown, and appendix A gives the current
//! and proposed projects with their APACS categories and PSA numbers.

use waymark_core::programme::ProjectStatus;
use waymark_io::programme::{ProgrammeImport, is_programme_workbook, parse_programme_workbook};
use waymark_io::{FindingKind, Format, read_bytes};

use crate::helpers::seed;
use crate::seed004::docx_from_text;

const SEED: &str = "003_d0ec4827179ecebb.txt";

fn check(import: &ProgrammeImport, how: &str) {
    let (_, by_status) = import.counts();
    assert_eq!(import.projects.len(), 37, "{how}");
    assert_eq!(by_status["current"], 21, "{how}");
    assert_eq!(by_status["proposed"], 16, "{how}");
    let economic = import
        .projects
        .iter()
        .find(|p| p.name == "Economic Crime Unit")
        .unwrap();
    assert!(matches!(
        economic.status,
        Some(ProjectStatus::Proposed { .. })
    ));
    let tags: Vec<String> = economic
        .tags
        .iter()
        .map(|t| format!("{}: {}", t.taxonomy, t.value))
        .collect();
    assert_eq!(
        tags,
        vec![
            "APACS: Promoting safety",
            "PSA: 23",
            "PSA: 24",
            "APACS: Serious crime & protection"
        ],
        "{how}: the row below continues the project with its second category"
    );
    // The funding table: seven rows with amounts, the Counter Terrorism row empty.
    let anpr = import
        .funding_rows
        .iter()
        .find(|r| r.label.starts_with("Automatic Number Plate"))
        .unwrap();
    assert_eq!(
        anpr.cells[0].1.pence,
        Some(106_000_000),
        "{how}: 800k plus 260k"
    );
    assert_eq!(
        anpr.cells.iter().filter(|(_, m)| m.pence.is_none()).count(),
        4,
        "{how}"
    );
    let emsou = import
        .funding_rows
        .iter()
        .find(|r| r.label == "EMSOU")
        .unwrap();
    let emsou: Vec<Option<i64>> = emsou.cells.iter().map(|(_, m)| m.pence).collect();
    assert_eq!(
        emsou,
        vec![
            Some(230_000_000),
            Some(430_000_000),
            Some(200_000_000),
            Some(150_000_000),
            Some(100_000_000)
        ],
        "{how}"
    );
    assert!(
        !import
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::UnreadableMoney),
        "{how}: {:?}",
        import.findings
    );
}

#[test]
fn seed_003_reads_as_a_programme_from_its_text_and_its_word_document() {
    let Some(path) = seed(SEED) else { return };
    let text = std::fs::read_to_string(&path).unwrap();
    let workbook = read_bytes("seed003.txt", Format::Tsv, text.as_bytes()).unwrap();
    assert!(is_programme_workbook(&workbook));
    check(&parse_programme_workbook(&workbook, None), "as text");
    let docx = docx_from_text(&text);
    let workbook = read_bytes("seed003.docx", Format::Docx, &docx).unwrap();
    assert!(is_programme_workbook(&workbook));
    check(
        &parse_programme_workbook(&workbook, None),
        "as a Word document",
    );
}
