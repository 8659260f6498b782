//! Hostile uploads (`waymark_io::hostile`): every one is refused with a message that names the
//! limit, the file and the sheet or part, or read without harm; none panics, and none reads what
//! an external entity points at. Timings and memory are measured by `benches/hostile.rs`.

use waymark_io::hostile::cases;
use waymark_io::{Format, read_bytes_with, upload_name};

#[test]
fn every_hostile_file_is_refused_by_name_or_read_safely() {
    for case in cases() {
        let result = std::panic::catch_unwind(|| {
            read_bytes_with(&case.file, case.format, &case.bytes, &case.limits)
        });
        let result = result.unwrap_or_else(|_| panic!("{}: the reader panicked", case.name));
        match (&result, case.refusal) {
            (Err(error), Some(expected)) => {
                let message = error.to_string();
                assert!(
                    message.starts_with(expected),
                    "{}: expected a refusal starting {expected:?}, got {message:?}",
                    case.name
                );
            }
            (Ok(_), Some(expected)) => {
                panic!(
                    "{}: read, but should be refused with {expected:?}",
                    case.name
                )
            }
            (_, None) => {}
        }
        if let (Some(secret), Ok(workbook)) = (case.never_read, &result) {
            let text: String = workbook
                .tables
                .iter()
                .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter()))
                .chain(workbook.preamble.iter())
                .map(String::as_str)
                .collect();
            assert!(!text.contains(secret), "{}: read {secret:?}", case.name);
        }
    }
}

#[test]
fn an_upload_named_like_a_path_is_labelled_by_its_last_part_and_never_opened() {
    let name = upload_name("../../etc/passwd.xlsx");
    assert_eq!(name, "passwd.xlsx");
    // The bytes are not a workbook; the name is only a label, so /etc/passwd is never read.
    let error = waymark_io::read_bytes(&name, Format::Xlsx, b"not a workbook").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("passwd.xlsx: not a spreadsheet"),
        "{error}"
    );
    assert!(!error.to_string().contains("root:"));
}

#[test]
fn a_document_nested_just_within_the_limit_is_read_on_a_blocking_threads_stack() {
    use waymark_io::hostile::{Entry, Piece, deflate, docx};
    // 19 tables in tables, three elements each, inside the body and around a paragraph: 62
    // deep, under the 64 allowed. docx-rs recurses for each table; unoptimised, 40 overflow
    // a 2 MiB stack.
    let depth = 19;
    let document = deflate(&[
        Piece::Text(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
              xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
        ),
        Piece::times(b"<w:tbl><w:tr><w:tc>", depth),
        Piece::Text(b"<w:p><w:r><w:t>deep</w:t></w:r></w:p>"),
        Piece::times(b"</w:tc></w:tr></w:tbl>", depth),
        Piece::Text(b"</w:body></w:document>"),
    ]);
    let bytes = docx(Entry::Deflated(document));
    // tokio's blocking threads, where the web app parses uploads, have 2 MiB stacks.
    let reader = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || waymark_io::read_bytes("deep.docx", Format::Docx, &bytes).map(|_| ()))
        .unwrap();
    reader
        .join()
        .expect("the reader overflowed its stack")
        .unwrap();
}

#[test]
fn the_hand_made_workbooks_read_as_workbooks() {
    use waymark_io::hostile::{Entry, ods, xlsx};
    let sheet = b"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
        <row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"C2\"><v>3</v></c></row></sheetData></worksheet>";
    let workbook = waymark_io::read_bytes(
        "t.xlsx",
        Format::Xlsx,
        &xlsx(Entry::Stored(sheet.to_vec()), None),
    )
    .unwrap();
    let rows = &workbook.tables[0].rows;
    assert_eq!(workbook.tables[0].name.as_deref(), Some("Actions"));
    assert_eq!(
        (rows[0].number, rows[0].cells.clone()),
        (2, vec!["Action".into(), "".into(), "3".into()])
    );
    let workbook = waymark_io::read_bytes(
        "t.ods",
        Format::Ods,
        &ods(&[b"<table:table-row table:number-rows-repeated=\"2\"><table:table-cell/>\
               <table:table-cell office:value-type=\"string\"><text:p>Owner</text:p></table:table-cell>\
               </table:table-row>"]),
    )
    .unwrap();
    let rows: Vec<(usize, Vec<String>)> = workbook.tables[0]
        .rows
        .iter()
        .map(|r| (r.number, r.cells.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, vec!["".into(), "Owner".into()]),
            (2, vec!["".into(), "Owner".into()])
        ]
    );
}

/// An XLS that Excel's format as LibreOffice writes it passes the compound-file check and reads
/// like the XLSX it was made from.
#[test]
fn an_xls_written_by_libreoffice_reads_like_its_xlsx() {
    if !waymark_testing::have_program("soffice", &["--version"], "libreoffice-calc-nogui") {
        return;
    }
    let xlsx = crate::layouts::strategic_workbook();
    let dir = crate::helpers::temp_path("xls");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("strategic.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    let profile = format!("file://{}", dir.join("profile").display());
    let output = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "xls", "--outdir"])
        .arg(&dir)
        .arg(&path)
        .output()
        .unwrap();
    let xls = std::fs::read(dir.join("strategic.xls")).unwrap_or_else(|_| {
        panic!(
            "LibreOffice did not convert: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let from_xls = waymark_io::read_bytes("strategic.xls", Format::Xls, &xls).unwrap();
    let from_xlsx = waymark_io::read_bytes("strategic.xlsx", Format::Xlsx, &xlsx).unwrap();
    let texts = |workbook: &waymark_io::Workbook| -> Vec<Vec<String>> {
        workbook.tables[0]
            .rows
            .iter()
            .map(|row| row.cells.clone())
            .filter(|cells| !cells.is_empty())
            .collect()
    };
    assert_eq!(texts(&from_xls), texts(&from_xlsx));
}
