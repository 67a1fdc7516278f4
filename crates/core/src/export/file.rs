//! The `.tapedeck` session file (docs/FORMAT.md "Export files"): a plain magic line
//! `TAPEDECK-SESSION 1\n`, then one zstd stream (with its checksum) of JSON lines — a header
//! with the session's metadata, and per window a line `{"window_id", "events": N}` followed by
//! its N events, one per line. Lines let both ends stream: the writer takes one window at a
//! time, and the reader checks every cap line by line, before it spends memory past it.

use std::io::{self, BufRead, BufReader, Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{ExportWindow, ImportError, ImportLimits, ImportedWindow, invalid};
use crate::batch::EventHead;
use crate::ids::is_valid_client_id;

/// How every `.tapedeck` file starts; the format version and `\n` follow.
pub const FILE_MAGIC: &[u8] = b"TAPEDECK-SESSION ";
/// The version this code writes and reads.
pub const FILE_VERSION: u32 = 1;
/// zstd level of export files: most of level 19's ratio at a fraction of its time.
const ZSTD_LEVEL: i32 = 12;
/// The largest zstd window (log2 bytes) a reader accepts: a hostile frame cannot make it
/// allocate more than 16 MiB for the window. The writer's level stays below it.
const MAX_WINDOW_LOG: u32 = 24;
/// Longest magic line accepted (magic, version, newline).
const MAX_MAGIC_LINE_BYTES: usize = 64;

/// The first line inside the compressed stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHeader {
    /// What wrote the file, e.g. `tapedeck 0.1.0` (informational).
    #[serde(default)]
    pub generator: String,
    /// When the file was written, RFC 3339 (informational).
    #[serde(default)]
    pub exported_at: String,
    /// The session's metadata: the object `GET /api/v1/sessions/{id}` answers, without the
    /// organization and project ids.
    pub session: serde_json::Value,
    /// How many windows follow.
    pub windows: usize,
}

#[derive(Serialize, Deserialize)]
struct WindowLine<'a> {
    window_id: &'a str,
    events: usize,
}

/// Writes a `.tapedeck` file one window at a time. A window may hold no events (its stored
/// events were all incomplete chunks); the reader accepts it and an import skips it.
pub struct TapedeckWriter<W: Write> {
    encoder: zstd::stream::write::Encoder<'static, W>,
    windows_left: usize,
}

impl<W: Write> TapedeckWriter<W> {
    /// Writes the magic line and the header; `header.windows` windows must follow.
    pub fn new(mut out: W, header: &FileHeader) -> io::Result<Self> {
        out.write_all(FILE_MAGIC)?;
        writeln!(out, "{FILE_VERSION}")?;
        let mut encoder = zstd::stream::write::Encoder::new(out, ZSTD_LEVEL)?;
        encoder.include_checksum(true)?;
        serde_json::to_writer(&mut encoder, header)?;
        encoder.write_all(b"\n")?;
        Ok(Self {
            encoder,
            windows_left: header.windows,
        })
    }

    /// Writes one window's line and its events.
    pub fn write_window(&mut self, window: &ExportWindow) -> io::Result<()> {
        if self.windows_left == 0 {
            return Err(io::Error::other("more windows than the header announced"));
        }
        self.windows_left -= 1;
        let line = WindowLine {
            window_id: &window.window_id,
            events: window.events.len(),
        };
        serde_json::to_writer(&mut self.encoder, &line)?;
        self.encoder.write_all(b"\n")?;
        for event in &window.events {
            self.encoder.write_all(&one_line(event.get().as_bytes()))?;
            self.encoder.write_all(b"\n")?;
        }
        Ok(())
    }

    /// The underlying writer (e.g. to count what went out so far).
    pub fn get_ref(&self) -> &W {
        self.encoder.get_ref()
    }

    /// Ends the compressed stream and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        if self.windows_left != 0 {
            return Err(io::Error::other("fewer windows than the header announced"));
        }
        self.encoder.finish()
    }
}

/// An event's JSON on one line. Raw JSON can only hold a newline as whitespace between tokens
/// (inside strings it must be escaped), so a space keeps the event's meaning.
fn one_line(json: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if json.iter().any(|&b| b == b'\n' || b == b'\r') {
        let spaced = json
            .iter()
            .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b })
            .collect();
        std::borrow::Cow::Owned(spaced)
    } else {
        std::borrow::Cow::Borrowed(json)
    }
}

/// A `.tapedeck` file as read: its header and every window's events.
#[derive(Debug)]
pub struct SessionFile {
    pub header: FileHeader,
    pub windows: Vec<ImportedWindow>,
}

impl SessionFile {
    pub fn event_count(&self) -> usize {
        self.windows.iter().map(|w| w.events.len()).sum()
    }
}

/// Reads and checks a whole `.tapedeck` file under `limits`. Any input, truncated or hostile,
/// gives a `Result`, never a panic.
pub fn read_session_file(bytes: &[u8], limits: &ImportLimits) -> Result<SessionFile, ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge(format!(
            "it is over {} bytes",
            limits.max_file_bytes
        )));
    }
    let compressed = check_magic(bytes)?;
    let mut decoder = zstd::stream::read::Decoder::with_buffer(compressed).map_err(undecodable)?;
    decoder
        .window_log_max(MAX_WINDOW_LOG)
        .map_err(undecodable)?;
    let mut lines = Lines {
        reader: BufReader::new(Capped {
            inner: decoder,
            left: limits.max_decoded_bytes,
        }),
        limits: *limits,
    };
    let header_line = lines
        .next()?
        .ok_or_else(|| truncated("before its header"))?;
    let header: FileHeader = serde_json::from_slice(&header_line)
        .map_err(|e| invalid("header", format!("is not a session header: {e}")))?;
    if !header.session.is_object() {
        return Err(invalid("header.session", "must be an object"));
    }
    if header.windows == 0 {
        return Err(invalid("header.windows", "must be at least 1"));
    }
    if header.windows > limits.max_windows {
        return Err(ImportError::TooLarge(format!(
            "it holds more than {} windows",
            limits.max_windows
        )));
    }
    let mut windows: Vec<ImportedWindow> = Vec::with_capacity(header.windows);
    let mut total_events = 0usize;
    for w in 0..header.windows {
        let line = lines
            .next()?
            .ok_or_else(|| truncated(format!("before window {}", w + 1)))?;
        let window: WindowLine = serde_json::from_slice(&line).map_err(|_| {
            invalid(
                format!("windows[{w}]"),
                "must be a line {\"window_id\": ID, \"events\": COUNT}",
            )
        })?;
        if !is_valid_client_id(window.window_id) {
            return Err(invalid(
                format!("windows[{w}].window_id"),
                "must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'",
            ));
        }
        if windows
            .iter()
            .any(|seen| seen.window_id == window.window_id)
        {
            return Err(invalid(
                format!("windows[{w}].window_id"),
                "repeats an earlier window",
            ));
        }
        total_events = total_events.saturating_add(window.events);
        if total_events > limits.max_events {
            return Err(ImportError::TooLarge(format!(
                "it holds more than {} events",
                limits.max_events
            )));
        }
        let mut imported = ImportedWindow {
            window_id: window.window_id.to_string(),
            events: Vec::with_capacity(window.events.min(4096)),
            heads: Vec::with_capacity(window.events.min(4096)),
        };
        for i in 0..window.events {
            let line = lines
                .next()?
                .ok_or_else(|| truncated(format!("in window {}", w + 1)))?;
            let (event, head) = parse_event(&line)
                .ok_or_else(|| invalid(format!("windows[{w}].events[{i}]"), NOT_AN_EVENT))?;
            imported.events.push(event);
            imported.heads.push(head);
        }
        windows.push(imported);
    }
    if total_events == 0 {
        return Err(invalid("windows", "hold no events"));
    }
    if lines.next()?.is_some() {
        return Err(ImportError::Corrupt(
            "it holds data after its last window".into(),
        ));
    }
    Ok(SessionFile { header, windows })
}

const NOT_AN_EVENT: &str = "must be an rrweb event: an object with integer `type` and `timestamp`";

fn parse_event(line: &[u8]) -> Option<(Box<RawValue>, EventHead)> {
    let event: Box<RawValue> = serde_json::from_slice(line).ok()?;
    let head: EventHead = serde_json::from_str(event.get()).ok()?;
    Some((event, head))
}

/// Returns the bytes after a valid magic line.
fn check_magic(bytes: &[u8]) -> Result<&[u8], ImportError> {
    if !bytes.starts_with(FILE_MAGIC) {
        return Err(ImportError::NotTapedeckFile);
    }
    let end = bytes
        .iter()
        .take(MAX_MAGIC_LINE_BYTES)
        .position(|&b| b == b'\n')
        .ok_or(ImportError::NotTapedeckFile)?;
    let version = &bytes[FILE_MAGIC.len()..end];
    if version != FILE_VERSION.to_string().as_bytes() {
        let shown: String = String::from_utf8_lossy(version)
            .chars()
            .filter(|c| !c.is_control())
            .take(16)
            .collect();
        return Err(ImportError::UnsupportedVersion(shown));
    }
    Ok(&bytes[end + 1..])
}

fn truncated(where_: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt(format!("it ends {where_}"))
}

fn undecodable(e: io::Error) -> ImportError {
    ImportError::Corrupt(format!("it does not decompress: {e}"))
}

/// The message a [`Capped`] reader fails with; told apart from real read errors by it.
const DECODED_CAP_MESSAGE: &str = "decoded size cap reached";

/// A reader that fails once more than `left` bytes came through.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| io::Error::other(DECODED_CAP_MESSAGE))?;
        Ok(n)
    }
}

/// Splits the decoded stream into lines, none longer than the cap.
struct Lines<R> {
    reader: BufReader<R>,
    limits: ImportLimits,
}

impl<R: Read> Lines<R> {
    /// The next line without its `\n`; `None` at the end of the stream.
    fn next(&mut self) -> Result<Option<Vec<u8>>, ImportError> {
        let mut line = Vec::new();
        loop {
            let limits = self.limits;
            let available = self.reader.fill_buf().map_err(|e| read_error(e, &limits))?;
            if available.is_empty() {
                return if line.is_empty() {
                    Ok(None)
                } else {
                    Err(truncated("in the middle of a line"))
                };
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            if line.len() + take > self.limits.max_line_bytes {
                return Err(ImportError::TooLarge(format!(
                    "a line (one event, or the header) is longer than {} bytes",
                    self.limits.max_line_bytes
                )));
            }
            line.extend_from_slice(&available[..take]);
            self.reader.consume(take + usize::from(done));
            if done {
                return Ok(Some(line));
            }
        }
    }
}

fn read_error(e: io::Error, limits: &ImportLimits) -> ImportError {
    if e.to_string() == DECODED_CAP_MESSAGE {
        ImportError::TooLarge(format!(
            "it decompresses to more than {} bytes",
            limits.max_decoded_bytes
        ))
    } else {
        undecodable(e)
    }
}
