//! Writing JSON arrays from pieces that are already JSON (raw events, the insides of stored
//! segment arrays), without parsing them again.

/// Appends `items` to `out` separated by commas (no brackets: callers write those).
pub fn push_joined<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a [u8]>) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn joins_with_commas() {
        let mut out = b"[".to_vec();
        super::push_joined(&mut out, [&b"1"[..], b"{\"a\":2}", b"3"]);
        out.push(b']');
        assert_eq!(out, b"[1,{\"a\":2},3]");
    }
}
