//! Notes on a session at a moment of its replay: the rules for what a note may hold and who may
//! write one.

use crate::recording::MAX_RANGE_OFFSET_MS;

/// Longest note, in characters (after trimming).
pub const MAX_NOTE_CHARS: usize = 2_000;

/// A note as asked for, checked: `at` on the player clock, `text` trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteInput {
    pub at_ms: i64,
    pub text: String,
}

/// Why a note was refused; `field` names the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {problem}")]
pub struct NoteError {
    pub field: &'static str,
    pub problem: String,
}

/// Checks a note: `at` from 0 to 2^40 milliseconds, `text` 1 to `MAX_NOTE_CHARS` characters
/// once trimmed.
pub fn check_note(at_ms: i64, text: &str) -> Result<NoteInput, NoteError> {
    if !(0..=MAX_RANGE_OFFSET_MS).contains(&at_ms) {
        return Err(NoteError {
            field: "at",
            problem: format!(
                "must be milliseconds since the session's first event, from 0 to {MAX_RANGE_OFFSET_MS}"
            ),
        });
    }
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_NOTE_CHARS {
        return Err(NoteError {
            field: "text",
            problem: format!("must be 1 to {MAX_NOTE_CHARS} characters"),
        });
    }
    Ok(NoteInput {
        at_ms,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(
            check_note(1_500, "  look here \n"),
            Ok(NoteInput {
                at_ms: 1_500,
                text: "look here".into()
            })
        );
        assert_eq!(
            check_note(0, &"é".repeat(MAX_NOTE_CHARS))
                .unwrap()
                .text
                .chars()
                .count(),
            MAX_NOTE_CHARS
        );
        for (at, text, field) in [
            (-1, "x", "at"),
            (MAX_RANGE_OFFSET_MS + 1, "x", "at"),
            (0, "   ", "text"),
            (0, &"x".repeat(MAX_NOTE_CHARS + 1) as &str, "text"),
        ] {
            assert_eq!(check_note(at, text).unwrap_err().field, field);
        }
    }
}
