//! LibreOffice, for the report test that converts each layout's Word document to PDF (the
//! reports issue asks that the DOCX opens in LibreOffice). Installed from Debian when missing;
//! in CI a failure to install stops the run, elsewhere the test is skipped with a warning.

use std::path::Path;

use crate::Context;
use crate::system::Failure;

const SOFFICE: &str = "/usr/bin/soffice";

pub fn ensure(context: &mut Context) -> Result<(), Failure> {
    if Path::new(SOFFICE).is_file() {
        println!("{SOFFICE} is installed");
        return Ok(());
    }
    match context
        .apt
        .install(&["--no-install-recommends", "libreoffice-writer-nogui"])
    {
        Ok(()) => Ok(()),
        Err(failure) if context.ci => Err(Failure::new(format!(
            "CI needs LibreOffice for the Word conversion test: {}",
            failure.message
        ))),
        Err(failure) => {
            eprintln!(
                "WARNING: LibreOffice is not available ({}); the Word-to-PDF conversion test \
                 will be skipped",
                failure.message
            );
            context.warnings.push(format!(
                "LibreOffice was not installed ({}); the DOCX conversion test was skipped",
                failure.message
            ));
            Ok(())
        }
    }
}
