//! Session search (docs/API.md "List sessions"): the words a session can be found by, what one
//! batch adds to its search columns and counters (`batch`), and the sessions-list query string
//! parsed into a validated filter, sort and keyset cursor (`filter`). Pure: both engines store
//! and query what these functions decide.
//!
//! Search text is kept as lowercase words separated by single spaces, so SQLite's FTS5
//! `unicode61` tokenizer and PostgreSQL's `to_tsvector('simple', …)` see the same tokens; URLs
//! are split into words first (PostgreSQL's parser would keep a host or path as one token).

mod batch;
mod filter;
#[cfg(test)]
mod tests;

pub use batch::{BatchSearch, batch_search, label_words};
pub(crate) use filter::time_ms;
pub use filter::{
    ListRequest, QueryError, SessionCursor, SessionFilter, SessionSort, SortOrder, StatusFilter,
    TagFilter, parse_list_query,
};

/// Longest word kept, in characters: longer runs (tokens, hashes, base64) are not words anyone
/// searches for, and would crowd out the rest.
pub const MAX_WORD_CHARS: usize = 40;

/// The lowercase words of `text`: runs of letters and digits, each at most `MAX_WORD_CHARS`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_lowercase)
}

/// The words of a URL without its scheme: `https://shop.example.com/checkout/step-2?x=1` →
/// `shop example com checkout step 2 x 1`.
pub fn url_words(url: &str) -> Vec<String> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphanumeric()) => rest,
        _ => url,
    };
    words(rest).collect()
}

/// `existing` (words separated by spaces) with the new words it lacks appended, as long as the
/// text stays within `max_chars`; `None` when no word was added (nothing to write).
pub fn merge_words(
    existing: &str,
    new_words: impl IntoIterator<Item = String>,
    max_chars: usize,
) -> Option<String> {
    let mut seen: std::collections::HashSet<String> = existing
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut added: Vec<String> = Vec::new();
    let mut len = existing.chars().count();
    for word in new_words {
        if !seen.insert(word.clone()) {
            continue;
        }
        let extra = word.chars().count() + usize::from(len > 0);
        if len + extra > max_chars {
            // Later words may be shorter; keep looking, the cap holds either way.
            continue;
        }
        len += extra;
        added.push(word);
    }
    if added.is_empty() {
        return None;
    }
    let mut out = existing.to_string();
    for word in added {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    Some(out)
}
