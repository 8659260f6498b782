//! The programs the report and export tests open files with: LibreOffice Writer (each report
//! layout's Word document converts to PDF), LibreOffice Calc (exported CSV and XLSX cells that
//! look like formulas come back as text) and poppler's `pdftotext` and `pdfinfo` (the PDF
//! reports' text and page size). Installed from Debian when missing. Under CI a test that
//! cannot find one fails (`waymark-testing`), so here too a failure to install stops the run;
//! elsewhere those checks are skipped, with a warning.

use std::path::Path;

use crate::Context;
use crate::system::Failure;

/// What each package provides, by a file it installs.
const PACKAGES: [(&str, &str, &str); 3] = [
    (
        "libreoffice-writer-nogui",
        "/usr/lib/libreoffice/program/libswlo.so",
        "the Word-to-PDF conversion test",
    ),
    (
        "libreoffice-calc-nogui",
        "/usr/lib/libreoffice/program/libsclo.so",
        "the formula-as-text checks of the CSV and XLSX exports",
    ),
    (
        "poppler-utils",
        "/usr/bin/pdftotext",
        "the PDF reports' text and page-size checks",
    ),
];

pub fn ensure(context: &mut Context) -> Result<(), Failure> {
    let missing: Vec<&(&str, &str, &str)> = PACKAGES
        .iter()
        .filter(|(package, file, _)| {
            let installed = Path::new(file).is_file();
            if installed {
                println!("{package} is installed ({file})");
            }
            !installed
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages = vec!["--no-install-recommends"];
    packages.extend(missing.iter().map(|(package, _, _)| *package));
    let uses: Vec<&str> = missing.iter().map(|(_, _, used_for)| *used_for).collect();
    match context.apt.install(&packages) {
        Ok(()) => Ok(()),
        Err(failure) if context.ci => Err(Failure::new(format!(
            "CI needs {} for {}: {}",
            packages[1..].join(", "),
            uses.join("; "),
            failure.message
        ))),
        Err(failure) => {
            eprintln!(
                "WARNING: {} could not be installed ({}); {} will be skipped",
                packages[1..].join(", "),
                failure.message,
                uses.join("; ")
            );
            context.warnings.push(format!(
                "{} not installed ({}); skipped: {}",
                packages[1..].join(", "),
                failure.message,
                uses.join("; ")
            ));
            Ok(())
        }
    }
}
