//! The server's second privacy layer (SPEC §5): personal data is masked in every batch before it
//! is written, whatever the recorder did — any rrweb recorder can post to us. `text` finds and
//! masks the data in a string; `events` finds every string value in rrweb events (snapshots,
//! mutations, inputs, custom events such as console and network captures) and masks it, reading
//! the events' JSON text through `json_strings`.

pub mod events;
mod json_strings;
pub mod text;

#[cfg(test)]
mod equivalence_tests;

pub use events::{ScrubReport, scrub_events};
pub use text::{PiiKind, scrub_text};
