//! The error of a request field that is not acceptable: which field, and what it must be.
//! Handlers answer it as `400 invalid_request` with this sentence.

/// Why a request was refused; `field` names the offending field (`add.plan`, `filters.tag`…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {problem}")]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Returns true when `text` holds a control character (C0, DEL, C1): never printable.
pub fn has_control_chars(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found() {
        assert!(!has_control_chars("ZD-1234 é ✓"));
        assert!(has_control_chars("a\nb"));
        assert!(has_control_chars("a\u{7f}"));
        assert!(has_control_chars("a\u{85}"));
    }

    #[test]
    fn the_message_names_the_field() {
        assert_eq!(
            FieldError::new("ref", "must be 1 to 128 characters").to_string(),
            "`ref` must be 1 to 128 characters"
        );
    }
}
