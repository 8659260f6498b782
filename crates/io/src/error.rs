//! Errors that stop an import or export. Problems with single cells are findings, not errors;
//! these are the few things that leave nothing to import, and each names the file. Nothing here
//! is about the database: io never touches it, so no store failure can be reported as a
//! problem with someone's file.

/// What stopped an import or export.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: Waymark reads .xlsx, .xls, .ods, .csv, .tsv, .txt and .docx files")]
    UnknownFormat { file: String },
    #[error("{file}: {message}")]
    Read { file: String, message: String },
    /// The file crosses one of the `ReadLimits`; the message names the limit.
    #[error("{file}: {message}")]
    TooLarge { file: String, message: String },
    #[error(
        "{file}: no table has a header row Waymark recognises (for example \"Ref\", \
         \"Recommendation\" or \"Action\", \"Owner\", \"Due date\"); a mapping file can name the columns"
    )]
    NoHeader { file: String },
    #[error("{file}: {source}")]
    Mapping {
        file: String,
        #[source]
        source: crate::mapping::MappingError,
    },
    #[error("{file}: {message}")]
    Write { file: String, message: String },
}
