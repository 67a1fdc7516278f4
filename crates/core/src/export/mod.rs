//! Portable recordings (SPEC §2 `tapedeck export` / `tapedeck import`, docs/FORMAT.md
//! "Export files"): the `.tapedeck` session file (`file.rs`: write, and read back under hard
//! caps, since an import is untrusted input), what an import keeps of the exported metadata
//! (`metadata.rs`), how an import is cut into ingest batches so it is stored like any recording
//! (`batches.rs`), and the self-contained HTML replay (`html.rs`). Pure: the callers do the I/O.

mod batches;
mod file;
mod html;
mod metadata;
#[cfg(test)]
mod tests;

pub use batches::{IMPORT_BATCH_MAX_EVENTS, IMPORT_BATCH_TARGET_BYTES, import_batches};
pub use file::{
    FILE_MAGIC, FILE_VERSION, FileHeader, SessionFile, TapedeckWriter, read_session_file,
};
pub use html::{HtmlExport, HtmlWriter};
pub use metadata::{ImportedMetadata, exported_metadata};

use serde_json::value::RawValue;

use crate::batch::EventHead;

/// One recorded window (browser tab) of a session: its events in replay order.
#[derive(Debug)]
pub struct ExportWindow {
    pub window_id: String,
    pub events: Vec<Box<RawValue>>,
}

/// One window as an import read it: events with their heads (index-aligned).
#[derive(Debug)]
pub struct ImportedWindow {
    pub window_id: String,
    pub events: Vec<Box<RawValue>>,
    pub heads: Vec<EventHead>,
}

/// Hard caps on an import. Every one is checked while reading, before memory is spent past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest file accepted, as stored (compressed).
    pub max_file_bytes: usize,
    /// Most bytes the file may decompress to.
    pub max_decoded_bytes: u64,
    /// Most events over all windows.
    pub max_events: usize,
    /// Most windows.
    pub max_windows: usize,
    /// Longest single line: one event, or the header (which holds the session metadata).
    pub max_line_bytes: usize,
}

impl ImportLimits {
    /// The caps of the server and the CLI: a two-hour session of a heavy page fits well within.
    pub const DEFAULT: ImportLimits = ImportLimits {
        max_file_bytes: 64 * 1024 * 1024,
        max_decoded_bytes: 512 * 1024 * 1024,
        max_events: 2_000_000,
        max_windows: 64,
        max_line_bytes: 32 * 1024 * 1024,
    };
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why an import was refused. [`ImportError::code`] is the stable code the API answers with.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("this is not a Tapedeck session file (it does not start with `TAPEDECK-SESSION`)")]
    NotTapedeckFile,
    #[error("this file is in export format version {0}; this server reads version {FILE_VERSION}")]
    UnsupportedVersion(String),
    #[error("the file is damaged: {0}")]
    Corrupt(String),
    /// A value is missing or wrong; the message names it.
    #[error("`{field}` {problem}")]
    Invalid { field: String, problem: String },
    #[error("the file is too large: {0}")]
    TooLarge(String),
}

impl ImportError {
    /// The stable error code: `import_too_large` for a cap, `invalid_import` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::TooLarge(_) => "import_too_large",
            _ => "invalid_import",
        }
    }
}

pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}
