//! Hard limits on untrusted input, each a named constant with its unit.

/// Largest request body accepted by ingest, as sent on the wire (compressed or not).
pub const MAX_BATCH_COMPRESSED_BYTES: usize = 1024 * 1024;
/// Largest ingest body after decompression; bigger bodies are refused before they are buffered.
pub const MAX_BATCH_DECODED_BYTES: usize = 16 * 1024 * 1024;
/// Most rrweb events in one batch.
pub const MAX_EVENTS_PER_BATCH: usize = 50_000;
/// Longest client-chosen id (`session_id`, `window_id`).
pub const MAX_CLIENT_ID_CHARS: usize = 64;
/// Longest URL kept in session metadata; longer ones are truncated.
pub const MAX_URL_CHARS: usize = 2048;
/// Most URLs kept in a session's URL history.
pub const MAX_URL_HISTORY: usize = 500;
/// Longest string kept from `meta` (user id, email, name, tag values, user agent).
pub const MAX_META_STRING_CHARS: usize = 512;
/// Most tags kept per session.
pub const MAX_TAGS: usize = 50;
/// Most selectors in each of a project's mask/block/ignore selector lists.
pub const MAX_SELECTORS_PER_LIST: usize = 100;
/// Longest CSS selector in a project's settings.
pub const MAX_SELECTOR_CHARS: usize = 256;
/// Most excluded-URL patterns of a project.
pub const MAX_EXCLUDE_URLS: usize = 100;
/// Longest excluded-URL pattern.
pub const MAX_EXCLUDE_URL_CHARS: usize = 2048;
/// Most allowed origins of a project.
pub const MAX_ALLOWED_ORIGINS: usize = 50;
/// Longest allowed origin (`scheme://host[:port]`).
pub const MAX_ORIGIN_CHARS: usize = 256;
/// Most experiments (`meta.experiments`, name → variant) kept per session.
pub const MAX_EXPERIMENTS: usize = 50;
/// Longest experiment name or variant.
pub const MAX_EXPERIMENT_CHARS: usize = 128;
/// Longest ticket ref from `meta.ticket` (e.g. `ZD-1234`).
pub const MAX_TICKET_REF_CHARS: usize = 128;
/// Longest words text kept per session in each search column (recording text, console text).
pub const MAX_SESSION_SEARCH_CHARS: usize = 16 * 1024;
/// Most words of a free-text or console query.
pub const MAX_QUERY_WORDS: usize = 16;
/// Longest value of one sessions-list query parameter.
pub const MAX_QUERY_VALUE_CHARS: usize = 512;
/// Most `tag` parameters in one sessions-list query.
pub const MAX_QUERY_TAGS: usize = 10;
