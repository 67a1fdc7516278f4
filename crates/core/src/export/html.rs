//! The self-contained HTML export: one file that replays a session from disk (`file://`) with
//! no server. It inlines the standalone player (packages/player `dist/tapedeck-player.js` and
//! `.css`, which the caller passes in), the session's metadata as a header, and every window's
//! events as one gzip stream in base64 (about five times smaller than the JSON as text; the
//! player decodes it with `DecompressionStream`). The page template is `template.html`.
//!
//! Recorded content is untrusted: the player rebuilds it only in an iframe sandboxed without
//! `allow-scripts`, and the page's Content-Security-Policy lets no script run but the two this
//! file carries (by hash), so a recorded `<script>` could not run even outside the sandbox.

use std::io::{self, Write};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ExportWindow;

const TEMPLATE: &str = include_str!("template.html");
/// How the events payload is encoded; the player refuses any other (`export-payload.ts`).
const PAYLOAD_ENCODING: &str = "gzip+base64";
/// The inline script that starts the replay once the player bundle has defined its global.
const BOOTSTRAP: &str = "TapedeckPlayer.replayExport().catch(function (e) { console.error(e); });";
/// Base64 line length in the payload (keeps the file's lines readable in an editor).
const BASE64_LINE_CHARS: usize = 120;

/// What an HTML export shows around the events.
#[derive(Debug, Clone, Copy)]
pub struct HtmlExport<'a> {
    /// The exported metadata (`exported_metadata`).
    pub session: &'a Value,
    /// The standalone player bundle and its styles.
    pub player_js: &'a str,
    pub player_css: &'a str,
    /// What made the file, e.g. `tapedeck 0.1.0`.
    pub generator: &'a str,
    /// When the export was made, epoch milliseconds.
    pub exported_at_ms: i64,
}

/// Writes an HTML export one window at a time, so a long session streams out as it is read:
/// the page up to the payload first, then each window's events through gzip and base64, then the
/// rest of the page (the player) on [`HtmlWriter::finish`].
pub struct HtmlWriter<W: Write> {
    gzip: flate2::write::GzEncoder<Base64Lines<W>>,
    tail: String,
    windows_written: usize,
}

impl<W: Write> HtmlWriter<W> {
    /// Writes the page up to the events payload.
    pub fn new(mut out: W, export: &HtmlExport<'_>) -> io::Result<Self> {
        let (head, tail) = page_parts(export);
        out.write_all(head.as_bytes())?;
        let mut gzip =
            flate2::write::GzEncoder::new(Base64Lines::new(out), flate2::Compression::best());
        gzip.write_all(b"[")?;
        Ok(Self {
            gzip,
            tail,
            windows_written: 0,
        })
    }

    /// Adds one window's events to the payload: `{"window_id", "events": [...]}`.
    pub fn write_window(&mut self, window: &ExportWindow) -> io::Result<()> {
        if self.windows_written > 0 {
            self.gzip.write_all(b",")?;
        }
        self.windows_written += 1;
        let head = serde_json::json!({ "window_id": window.window_id }).to_string();
        // The object without its closing brace, then the events.
        self.gzip.write_all(&head.as_bytes()[..head.len() - 1])?;
        self.gzip.write_all(b",\"events\":[")?;
        for (i, event) in window.events.iter().enumerate() {
            if i > 0 {
                self.gzip.write_all(b",")?;
            }
            self.gzip.write_all(event.get().as_bytes())?;
        }
        self.gzip.write_all(b"]}")
    }

    /// Ends the payload, writes the rest of the page and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.gzip.write_all(b"]")?;
        let mut out = self.gzip.finish()?.finish()?;
        out.write_all(self.tail.as_bytes())?;
        Ok(out)
    }

    /// The underlying writer (e.g. to count what went out so far).
    pub fn get_ref(&self) -> &W {
        self.gzip.get_ref().get_ref()
    }
}

/// The page before and after the events payload, every other placeholder filled.
fn page_parts(export: &HtmlExport<'_>) -> (String, String) {
    let player_js = escape_script(export.player_js);
    let csp = format!(
        "script-src '{}' '{}'; object-src 'none'; base-uri 'none'; form-action 'none'",
        script_hash(&player_js),
        script_hash(BOOTSTRAP)
    );
    let session = export.session;
    let text = |key: &str| session.get(key).and_then(Value::as_str);
    let id = text("id").unwrap_or("unknown");
    let user = [text("user_name"), text("user_email"), text("user_id")]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .unwrap_or("anonymous");
    let started = text("started_at").map(human_time).unwrap_or_default();
    let duration = session
        .get("duration")
        .and_then(Value::as_f64)
        .map(clock)
        .unwrap_or_default();
    let values = [
        ("CSP", escape_html(&csp)),
        ("GENERATOR", escape_html(export.generator)),
        (
            "TITLE",
            escape_html(&format!("Session {id} · Tapedeck replay")),
        ),
        ("PLAYER_CSS", escape_style(export.player_css)),
        ("SESSION_ID", escape_html(id)),
        ("USER", escape_html(user)),
        ("STARTED", escape_html(&started)),
        ("DURATION", escape_html(&duration)),
        ("URL", escape_html(text("first_url").unwrap_or(""))),
        ("EXPORTED_AT", escape_html(&human_ms(export.exported_at_ms))),
        ("SESSION_JSON", json_for_script(session)),
        ("ENCODING", PAYLOAD_ENCODING.to_string()),
        ("PLAYER_JS", player_js),
        ("BOOTSTRAP", BOOTSTRAP.to_string()),
    ];
    // Split before filling, so no filled-in text can move the cut.
    let (head, tail) = TEMPLATE
        .split_once("{{EVENTS}}")
        .expect("the template has one {{EVENTS}}");
    (fill(head, &values), fill(tail, &values))
}

/// Base64 in lines of [`BASE64_LINE_CHARS`], written as bytes come in. Whole 3-byte groups
/// encode alone, so each full line is written as soon as its bytes are there.
struct Base64Lines<W: Write> {
    out: W,
    pending: Vec<u8>,
    lines_written: usize,
}

/// Input bytes of one full line (4 characters per 3 bytes).
const BASE64_LINE_BYTES: usize = BASE64_LINE_CHARS / 4 * 3;

impl<W: Write> Base64Lines<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            pending: Vec::with_capacity(BASE64_LINE_BYTES * 64),
            lines_written: 0,
        }
    }

    fn write_line(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.lines_written > 0 {
            self.out.write_all(b"\n")?;
        }
        self.lines_written += 1;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.out.write_all(encoded.as_bytes())
    }

    /// Writes the last, shorter line and returns the underlying writer.
    fn finish(mut self) -> io::Result<W> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.write_line(&rest)?;
        }
        Ok(self.out)
    }

    fn get_ref(&self) -> &W {
        &self.out
    }
}

impl<W: Write> Write for Base64Lines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let full = self.pending.len() / BASE64_LINE_BYTES * BASE64_LINE_BYTES;
        if full > 0 {
            let pending = std::mem::take(&mut self.pending);
            for line in pending[..full].chunks(BASE64_LINE_BYTES) {
                self.write_line(line)?;
            }
            self.pending = pending[full..].to_vec();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Replaces each `{{KEY}}` of the template in one pass, so text put in is never read again.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (v, end))
        }) {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON safe inside `<script type="application/json">`: every `<` is written as `\u003c`,
/// which JSON reads back as `<`, so no `</script>` or `<!--` can end the element early.
fn json_for_script(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// JavaScript safe inside `<script>`: `</script` and `<!--` can only occur in string, template
/// or regular-expression literals of the bundle, where `\x3C` means the same `<`.
fn escape_script(js: &str) -> String {
    let js = replace_ignoring_case(js, "</script", 2, "\\x3C/");
    replace_ignoring_case(&js, "<!--", 1, "\\x3C")
}

/// CSS safe inside `<style>`: `</style` becomes `<\/style` (`\/` is `/` in CSS).
fn escape_style(css: &str) -> String {
    replace_ignoring_case(css, "</style", 2, "<\\/")
}

/// Replaces the first `replaced` bytes of each ASCII-case-insensitive match of `needle` (given
/// in lowercase) by `with`, keeping the rest of the match as written.
fn replace_ignoring_case(text: &str, needle: &str, replaced: usize, with: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(needle) {
        out.push_str(&text[last..at]);
        out.push_str(with);
        last = at + replaced;
    }
    out.push_str(&text[last..]);
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSP source for an inline script: `sha256-` and the base64 of its SHA-256.
fn script_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// `2026-11-25T09:00:00.123Z` as `2026-11-25 09:00:00 UTC`; other text as given.
fn human_time(rfc3339: &str) -> String {
    match OffsetDateTime::parse(rfc3339, &Rfc3339) {
        Ok(t) => human(t),
        Err(_) => rfc3339.to_string(),
    }
}

fn human_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(human)
        .unwrap_or_default()
}

fn human(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Seconds as the player's clock shows them: `m:ss`, or `h:mm:ss` from an hour on.
fn clock(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds as u64
    } else {
        0
    };
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_end_tags_are_escaped_in_any_case() {
        assert_eq!(escape_script("a='</ScRiPt>'"), "a='\\x3C/ScRiPt>'");
        assert_eq!(escape_script("s='<!--x'"), "s='\\x3C!--x'");
        assert_eq!(
            escape_style("a{content:'</STYLE>'}"),
            "a{content:'<\\/STYLE>'}"
        );
        assert_eq!(escape_script("plain < text"), "plain < text");
    }

    #[test]
    fn template_placeholders_are_filled_once() {
        let out = fill(
            "<{{A}}|{{B}}|{{C}}>",
            &[("A", "{{B}}".into()), ("B", "b".into())],
        );
        assert_eq!(out, "<{{B}}|b|{{C}}>");
    }

    #[test]
    fn durations_read_like_the_player_clock() {
        assert_eq!(clock(0.4), "0:00");
        assert_eq!(clock(65.9), "1:05");
        assert_eq!(clock(3_662.0), "1:01:02");
        assert_eq!(clock(f64::NAN), "0:00");
    }

    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(
            human_time("2026-11-25T10:00:00.123+01:00"),
            "2026-11-25 09:00:00 UTC"
        );
        assert_eq!(human_time("not a time"), "not a time");
    }
}
