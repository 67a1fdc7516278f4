//! The audit export's two formats. CSV cells that a spreadsheet would run as a formula (a leading
//! `=`, `+`, `-`, `@`, tab or carriage return: OWASP's "CSV injection") get a leading `'`, so
//! an actor, target or detail an attacker chose (an email, a ticket title) opens as text.

use super::AuditView;

/// The two formats of `GET /api/v1/audit/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(Self::Csv),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Ndjson => "ndjson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Ndjson => "application/x-ndjson",
        }
    }

    /// The file's first bytes (the CSV header row).
    pub fn head(self) -> &'static str {
        match self {
            Self::Csv => CSV_HEADER,
            Self::Ndjson => "",
        }
    }

    /// One entry in this format, with its line end.
    pub fn line(self, entry: &AuditView<'_>) -> String {
        match self {
            Self::Csv => csv_line(entry),
            Self::Ndjson => ndjson_line(entry),
        }
    }
}

/// The CSV header row (RFC 4180 line end).
pub const CSV_HEADER: &str = "id,at,actor,actor_email,actor_name,action,target,ip,details\r\n";

/// One cell: defused if a spreadsheet would evaluate it, then quoted if it holds a comma, quote
/// or line break (quotes doubled).
pub fn csv_cell(text: &str) -> String {
    let defused = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One entry as a CSV row: the list's fields, `details` as compact JSON.
pub fn csv_line(entry: &AuditView<'_>) -> String {
    let at = super::rfc3339(entry.at_ms).unwrap_or_default();
    let details = entry.details.to_string();
    let cells = [
        entry.id,
        &at,
        entry.actor,
        entry.actor_email.unwrap_or(""),
        entry.actor_name.unwrap_or(""),
        entry.action,
        entry.target,
        entry.ip.unwrap_or(""),
        &details,
    ];
    let mut line = cells.map(csv_cell).join(",");
    line.push_str("\r\n");
    line
}

/// One entry as a line of NDJSON: the object the list answers.
pub fn ndjson_line(entry: &AuditView<'_>) -> String {
    let mut line = entry.to_json().to_string();
    line.push('\n');
    line
}
