//! Parses `s3://bucket[/prefix]?endpoint=URL&region=NAME&path_style=BOOL`, the `blob_store` URL
//! of an S3-compatible store. Pure: no I/O. Credentials are refused here on purpose: URLs end up in
//! logs, `ps` listings and shell history, so keys come from config keys or the environment.

use crate::StoreError;

/// Where an S3 store is, as the URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Key prefix inside the bucket (`a/b`, no slash at either end); `None` for the whole bucket.
    pub prefix: Option<String>,
    /// `scheme://host[:port]` of an S3-compatible server; `None` for AWS S3 itself.
    pub endpoint: Option<String>,
    pub region: String,
    /// `bucket` in the path (`endpoint/bucket/key`) rather than in the host name.
    pub path_style: bool,
}

/// The region signed into requests when the URL names none (what AWS and most servers accept).
const DEFAULT_REGION: &str = "us-east-1";
/// Longest URL accepted: config values are small, and this bounds the work on bad input.
const MAX_URL_LEN: usize = 2048;

const QUERY_KEYS: &str = "endpoint, region, path_style";

impl S3Location {
    /// A short description for logs (no credentials: the URL has none).
    pub fn describe(&self) -> String {
        let prefix = self
            .prefix
            .as_deref()
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        let at = self.endpoint.as_deref().unwrap_or("AWS");
        let style = if self.path_style {
            "path-style"
        } else {
            "virtual-hosted"
        };
        format!(
            "s3 bucket {}{prefix} at {at} (region {}, {style})",
            self.bucket, self.region
        )
    }
}

fn config(message: impl Into<String>) -> StoreError {
    StoreError::Config(format!("blob_store s3 URL: {}", message.into()))
}

/// Parses an `s3://` URL. Errors never repeat query values (one might be a secret).
pub fn parse_s3_url(input: &str) -> Result<S3Location, StoreError> {
    if input.len() > MAX_URL_LEN {
        return Err(config(format!("longer than {MAX_URL_LEN} characters")));
    }
    let url = url::Url::parse(input).map_err(|e| config(format!("not a URL ({e})")))?;
    if url.scheme() != "s3" {
        return Err(config("the scheme must be s3://"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config(
            "credentials do not go in the URL: set TAPEDECK_S3_ACCESS_KEY_ID and \
             TAPEDECK_S3_SECRET_ACCESS_KEY (or the s3_* config keys)",
        ));
    }
    if url.port().is_some() {
        return Err(config("a port goes in endpoint=, not after the bucket"));
    }
    if url.fragment().is_some() {
        return Err(config("a #fragment has no meaning here"));
    }
    let bucket = url.host_str().unwrap_or_default();
    if bucket.is_empty() {
        return Err(config("missing bucket: use s3://BUCKET[/prefix]"));
    }
    check_bucket(bucket)?;
    // The URL parser resolves `a/../b`; a prefix is taken only as written.
    let written = input["s3://".len()..]
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let written_path = written.find('/').map_or("", |slash| &written[slash..]);
    if written_path != url.path() && !(written_path.is_empty() && url.path() == "/") {
        return Err(config(
            "bad prefix: '/'-separated segments of A-Z, a-z, 0-9, '.', '_', '-'",
        ));
    }
    let prefix = parse_prefix(url.path())?;

    let (mut endpoint, mut region, mut path_style) = (None, None, None);
    for (key, value) in url.query_pairs() {
        let slot_taken = match key.as_ref() {
            "endpoint" => endpoint.replace(parse_endpoint(&value)?).is_some(),
            "region" => region.replace(parse_region(&value)?).is_some(),
            "path_style" => path_style.replace(parse_bool(&value)?).is_some(),
            other if looks_like_credential(other) => {
                return Err(config(format!(
                    "{other:?}: credentials do not go in the URL (it ends up in logs); set \
                     TAPEDECK_S3_ACCESS_KEY_ID / TAPEDECK_S3_SECRET_ACCESS_KEY or the s3_* \
                     config keys"
                )));
            }
            other => {
                return Err(config(format!(
                    "unknown query key {other:?}: use {QUERY_KEYS}"
                )));
            }
        };
        if slot_taken {
            return Err(config(format!("query key {key:?} is given twice")));
        }
    }
    // Custom endpoints (MinIO, R2, s3s-fs) are usually addressed path-style; AWS prefers
    // virtual-hosted buckets.
    let path_style = path_style.unwrap_or(endpoint.is_some());
    Ok(S3Location {
        bucket: bucket.to_string(),
        prefix,
        endpoint,
        region: region.unwrap_or_else(|| DEFAULT_REGION.to_string()),
        path_style,
    })
}

/// S3 bucket naming rules: 3–63 of `[a-z0-9.-]`, starting and ending with a letter or digit.
fn check_bucket(bucket: &str) -> Result<(), StoreError> {
    let ok_chars = bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let ends_ok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !(3..=63).contains(&bucket.len())
        || !ok_chars
        || !ends_ok(bucket.bytes().next())
        || !ends_ok(bucket.bytes().last())
    {
        return Err(config(format!(
            "bad bucket name {bucket:?}: 3 to 63 of a-z, 0-9, '.', '-', starting and ending \
             with a letter or digit"
        )));
    }
    Ok(())
}

/// `/a/b/` → `a/b`; segments of `[A-Za-z0-9._-]`, none empty, `.` or `..`.
fn parse_prefix(path: &str) -> Result<Option<String>, StoreError> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Ok(None);
    }
    let segment_ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    if trimmed.len() > 512 || !trimmed.split('/').all(segment_ok) {
        return Err(config(
            "bad prefix: '/'-separated segments of A-Z, a-z, 0-9, '.', '_', '-'",
        ));
    }
    Ok(Some(trimmed.to_string()))
}

/// `http(s)://host[:port]` with nothing else; returned as its origin (no trailing slash).
fn parse_endpoint(value: &str) -> Result<String, StoreError> {
    let bad = |why: &str| config(format!("bad endpoint ({why}): use http(s)://host[:port]"));
    let url = url::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not go in the URL"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("no path, query or fragment"));
    }
    Ok(url.origin().ascii_serialization())
}

fn parse_region(value: &str) -> Result<String, StoreError> {
    let ok = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(config(
            "bad region: 1 to 64 of A-Z, a-z, 0-9, '-', '_' (e.g. us-east-1, auto)",
        ));
    }
    Ok(value.to_string())
}

fn parse_bool(value: &str) -> Result<bool, StoreError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(config("path_style must be true or false")),
    }
}

fn looks_like_credential(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "key",
        "secret",
        "token",
        "password",
        "credential",
        "signature",
    ]
    .iter()
    .any(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn message(input: &str) -> String {
        match parse_s3_url(input) {
            Err(StoreError::Config(message)) => message,
            other => panic!("{input}: expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn a_full_url_parses() {
        let location = parse_s3_url(
            "s3://recordings/tapedeck/eu?endpoint=http://127.0.0.1:9000/&region=eu-west-1&path_style=true",
        )
        .unwrap();
        assert_eq!(
            location,
            S3Location {
                bucket: "recordings".into(),
                prefix: Some("tapedeck/eu".into()),
                endpoint: Some("http://127.0.0.1:9000".into()),
                region: "eu-west-1".into(),
                path_style: true,
            }
        );
        assert_eq!(
            location.describe(),
            "s3 bucket recordings/tapedeck/eu at http://127.0.0.1:9000 (region eu-west-1, path-style)"
        );
    }

    #[test]
    fn defaults_suit_aws_and_custom_endpoints() {
        let aws = parse_s3_url("s3://my-bucket").unwrap();
        assert_eq!(
            (
                aws.prefix,
                aws.endpoint,
                aws.region.as_str(),
                aws.path_style
            ),
            (None, None, "us-east-1", false)
        );
        let minio = parse_s3_url("s3://my-bucket/?endpoint=https://minio.internal").unwrap();
        assert_eq!(minio.endpoint.as_deref(), Some("https://minio.internal"));
        assert!(minio.path_style);
        let hosted =
            parse_s3_url("s3://my-bucket?endpoint=https://r2.example&path_style=false").unwrap();
        assert!(!hosted.path_style);
    }

    #[test]
    fn missing_bucket_is_refused() {
        assert!(message("s3://").contains("missing bucket"));
        assert!(message("s3:///prefix").contains("missing bucket"));
        assert!(message("s3://ab").contains("bad bucket name"));
        assert!(message("s3://Upper").contains("bad bucket name"));
        assert!(message("s3://-dash").contains("bad bucket name"));
    }

    #[test]
    fn bad_endpoints_are_refused() {
        for endpoint in [
            "ftp://h",
            "127.0.0.1:9000",
            "http://",
            "http://h/path",
            "http://u:p@h",
            "http://h?x=1",
        ] {
            let encoded: String =
                url::form_urlencoded::byte_serialize(endpoint.as_bytes()).collect();
            let message = message(&format!("s3://bucket?endpoint={encoded}"));
            assert!(message.contains("bad endpoint"), "{endpoint}: {message}");
        }
    }

    #[test]
    fn unknown_and_repeated_query_keys_are_refused() {
        assert!(message("s3://bucket?endpont=http://h").contains("unknown query key \"endpont\""));
        assert!(message("s3://bucket?region=a&region=b").contains("twice"));
        assert!(message("s3://bucket?path_style=yes").contains("true or false"));
        assert!(message("s3://bucket?region=a%20b").contains("bad region"));
    }

    #[test]
    fn credentials_in_the_url_are_refused_without_being_repeated() {
        for input in [
            "s3://AKIAXX:hunter2secret@bucket",
            "s3://bucket?secret_access_key=hunter2secret",
            "s3://bucket?access_key_id=hunter2secret",
            "s3://bucket?AWS_SESSION_TOKEN=hunter2secret",
        ] {
            let message = message(input);
            assert!(message.contains("credentials"), "{input}: {message}");
            assert!(!message.contains("hunter2secret"), "{input}: {message}");
        }
    }

    #[test]
    fn other_mistakes_are_refused() {
        assert!(message("s3://bucket:9000").contains("port"));
        assert!(message("s3://bucket#x").contains("fragment"));
        assert!(message("s3://bucket/a//b").contains("bad prefix"));
        assert!(message("s3://bucket/a/../b").contains("bad prefix"));
        assert!(message("file:///x").contains("scheme"));
    }

    proptest! {
        #[test]
        fn never_panics(input in ".{0,200}") {
            let _ = parse_s3_url(&format!("s3://{input}"));
            let _ = parse_s3_url(&input);
        }

        #[test]
        fn valid_parts_round_trip(
            bucket in "[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]",
            prefix in proptest::option::of("[A-Za-z0-9_-]{1,8}(/[A-Za-z0-9_-]{1,8}){0,3}"),
            port in 1024u16..,
            region in "[a-z0-9-]{1,20}",
        ) {
            let path = prefix.as_deref().map(|p| format!("/{p}")).unwrap_or_default();
            let input = format!("s3://{bucket}{path}?endpoint=http://127.0.0.1:{port}&region={region}");
            let location = parse_s3_url(&input).unwrap();
            prop_assert_eq!(location.bucket, bucket);
            prop_assert_eq!(location.prefix, prefix);
            prop_assert_eq!(location.endpoint, Some(format!("http://127.0.0.1:{port}")));
            prop_assert_eq!(location.region, region);
            prop_assert!(location.path_style);
        }

        #[test]
        fn secret_values_never_reach_the_error(
            key in "(secret|access_key|token|password)[a-z_]{0,10}",
            value in "[A-Za-z0-9]{12,40}",
        ) {
            let message = message(&format!("s3://bucket?{key}={value}"));
            prop_assert!(!message.contains(&value));
        }
    }
}
