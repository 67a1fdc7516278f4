//! Links from a session to tickets and issues elsewhere (`{kind, ref, url}`): the rules for a
//! link asked through the API (`POST /api/v1/sessions/{id}/links`). The SDK's `linkTicket`
//! stores the same shape on ingest.

use serde_json::Value;

use crate::field_error::{FieldError, has_control_chars};
use crate::limits::MAX_URL_CHARS;

/// Longest link reference (`ZD-1234`, `owner/repo#12`), in characters after trimming.
pub const MAX_LINK_REF_CHARS: usize = 128;

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A support ticket (Zendesk, Intercom, …).
    Ticket,
    /// An issue in a tracker (GitHub, Jira, Linear, …).
    Issue,
    /// Anything else with a reference.
    Link,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Ticket, LinkKind::Issue, LinkKind::Link];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Ticket => "ticket",
            LinkKind::Issue => "issue",
            LinkKind::Link => "link",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A link as asked for, checked: `reference` trimmed, `url` an http(s) URL when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInput {
    pub kind: LinkKind,
    pub reference: String,
    pub url: Option<String>,
}

/// Checks a link body `{"kind", "ref", "url"?}`: `kind` one of ticket, issue, link; `ref` 1 to
/// `MAX_LINK_REF_CHARS` printable characters once trimmed; `url` absent, null or an `http://`
/// or `https://` URL with a host, up to `MAX_URL_CHARS`, without spaces (a `javascript:` URL
/// would run in the web app when clicked).
pub fn check_link(body: &Value) -> Result<LinkInput, FieldError> {
    if !body.is_object() {
        return Err(FieldError::new("body", "must be a JSON object"));
    }
    let kind = body["kind"]
        .as_str()
        .and_then(LinkKind::parse)
        .ok_or_else(|| FieldError::new("kind", "must be \"ticket\", \"issue\" or \"link\""))?;
    let reference = body["ref"]
        .as_str()
        .map(str::trim)
        .filter(|r| (1..=MAX_LINK_REF_CHARS).contains(&r.chars().count()) && !has_control_chars(r))
        .ok_or_else(|| {
            FieldError::new(
                "ref",
                format!("must be 1 to {MAX_LINK_REF_CHARS} printable characters"),
            )
        })?;
    let url = match &body["url"] {
        Value::Null => None,
        Value::String(url) => Some(check_http_url(url.trim())?),
        _ => return Err(FieldError::new("url", "must be a string or null")),
    };
    Ok(LinkInput {
        kind,
        reference: reference.to_string(),
        url,
    })
}

fn check_http_url(url: &str) -> Result<String, FieldError> {
    let bad = || {
        FieldError::new(
            "url",
            format!("must be an http:// or https:// URL of at most {MAX_URL_CHARS} characters"),
        )
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err(bad());
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || url.chars().count() > MAX_URL_CHARS
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn links_are_trimmed_and_urls_optional() {
        assert_eq!(
            check_link(
                &json!({"kind": "ticket", "ref": " ZD-1234 ", "url": "https://x.zendesk.com/agent/tickets/1234"})
            ),
            Ok(LinkInput {
                kind: LinkKind::Ticket,
                reference: "ZD-1234".into(),
                url: Some("https://x.zendesk.com/agent/tickets/1234".into()),
            })
        );
        let bare =
            check_link(&json!({"kind": "issue", "ref": "acme/web#12", "url": null})).unwrap();
        assert_eq!((bare.kind, bare.url), (LinkKind::Issue, None));
        assert!(
            check_link(&json!({"kind": "link", "ref": "r", "url": "HTTP://Example.test"})).is_ok()
        );
        let longest = format!("https://a.test/{}", "p".repeat(MAX_URL_CHARS - 15));
        assert!(check_link(&json!({"kind": "link", "ref": "r", "url": longest})).is_ok());
    }

    #[test]
    fn bad_links_name_their_field() {
        let too_long_url = format!("https://a.test/{}", "p".repeat(MAX_URL_CHARS));
        for (body, field) in [
            (json!("ZD-1"), "body"),
            (json!({"ref": "ZD-1"}), "kind"),
            (json!({"kind": "Ticket", "ref": "ZD-1"}), "kind"),
            (json!({"kind": "bug", "ref": "ZD-1"}), "kind"),
            (json!({"kind": "ticket"}), "ref"),
            (json!({"kind": "ticket", "ref": "  "}), "ref"),
            (json!({"kind": "ticket", "ref": "a\tb"}), "ref"),
            (
                json!({"kind": "ticket", "ref": "x".repeat(MAX_LINK_REF_CHARS + 1)}),
                "ref",
            ),
            (json!({"kind": "ticket", "ref": 12}), "ref"),
            (
                json!({"kind": "ticket", "ref": "r", "url": "javascript:alert(1)"}),
                "url",
            ),
            (
                json!({"kind": "ticket", "ref": "r", "url": "ftp://a.test/x"}),
                "url",
            ),
            (
                json!({"kind": "ticket", "ref": "r", "url": "https://"}),
                "url",
            ),
            (
                json!({"kind": "ticket", "ref": "r", "url": "https:///path"}),
                "url",
            ),
            (
                json!({"kind": "ticket", "ref": "r", "url": "https://a.test/a b"}),
                "url",
            ),
            (
                json!({"kind": "ticket", "ref": "r", "url": too_long_url}),
                "url",
            ),
            (json!({"kind": "ticket", "ref": "r", "url": 5}), "url"),
        ] {
            assert_eq!(check_link(&body).unwrap_err().field, field, "{body}");
        }
        let exactly = "x".repeat(MAX_LINK_REF_CHARS);
        assert!(check_link(&json!({"kind": "ticket", "ref": exactly})).is_ok());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in LinkKind::ALL {
            assert_eq!(LinkKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(LinkKind::parse("tickets"), None);
    }
}
