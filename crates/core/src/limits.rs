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
