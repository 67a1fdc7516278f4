//! A project's privacy and recording settings (SPEC §3 recorder config, §5 privacy): the model,
//! its defaults, the partial update an admin sends, and the validation of both. Errors name the
//! field so the API and the web app can point at it. Who may change them is
//! `policy::Action::ManageProjects`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::limits::{
    MAX_ALLOWED_ORIGINS, MAX_EXCLUDE_URL_CHARS, MAX_EXCLUDE_URLS, MAX_ORIGIN_CHARS,
    MAX_SELECTOR_CHARS, MAX_SELECTORS_PER_LIST,
};

/// The three privacy levels of SPEC §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrivacyLevel {
    Strict,
    #[default]
    Balanced,
    Minimal,
}

impl PrivacyLevel {
    /// Returns the level named `name` (`strict`, `balanced`, `minimal`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "strict" => Some(Self::Strict),
            "balanced" => Some(Self::Balanced),
            "minimal" => Some(Self::Minimal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Balanced => "balanced",
            Self::Minimal => "minimal",
        }
    }
}

/// A project's settings. Serialized, it is both the `projects.settings` JSON and the answer of
/// `GET /api/v1/recorder-config` (the SDK reads these keys). Missing keys take their defaults,
/// so settings stored before a key existed still read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectSettings {
    pub privacy: PrivacyLevel,
    pub mask_selectors: Vec<String>,
    pub block_selectors: Vec<String>,
    pub ignore_selectors: Vec<String>,
    /// URL patterns not recorded at all: a pattern matches the whole URL, `*` standing for any
    /// characters (the SDK's rule).
    pub exclude_urls: Vec<String>,
    /// Share of sessions recorded, from 0 to 1.
    pub sample_rate: f64,
    pub capture_network: bool,
    pub capture_console: bool,
    /// Days a session is kept after it ended; then retention deletes it (SPEC §6).
    pub retention_days: u32,
    /// Origins allowed to send recordings (empty: every origin). Kept in the project's own
    /// `allowed_origins` column, which ingest reads, so serde leaves it out of the JSON.
    #[serde(skip)]
    pub allowed_origins: Vec<String>,
}

impl Default for ProjectSettings {
    fn default() -> Self {
        Self {
            privacy: PrivacyLevel::default(),
            mask_selectors: Vec::new(),
            block_selectors: Vec::new(),
            ignore_selectors: Vec::new(),
            exclude_urls: Vec::new(),
            sample_rate: 1.0,
            capture_network: false,
            capture_console: false,
            retention_days: DEFAULT_RETENTION_DAYS,
            allowed_origins: Vec::new(),
        }
    }
}

/// A partial update: only the fields that are `Some` change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectSettingsPatch {
    pub privacy: Option<PrivacyLevel>,
    pub mask_selectors: Option<Vec<String>>,
    pub block_selectors: Option<Vec<String>>,
    pub ignore_selectors: Option<Vec<String>>,
    pub exclude_urls: Option<Vec<String>>,
    pub sample_rate: Option<f64>,
    pub capture_network: Option<bool>,
    pub capture_console: Option<bool>,
    pub retention_days: Option<u32>,
    pub allowed_origins: Option<Vec<String>>,
}

/// A setting that is not acceptable; `field` is its JSON key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingsError {
    pub field: String,
    pub message: String,
}

fn error(field: &str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field: field.to_string(),
        message: message.into(),
    }
}

impl ProjectSettings {
    /// Applies a (validated) patch: the fields it carries replace the current ones.
    pub fn apply(&mut self, patch: &ProjectSettingsPatch) {
        let p = patch.clone();
        if let Some(v) = p.privacy {
            self.privacy = v;
        }
        if let Some(v) = p.mask_selectors {
            self.mask_selectors = v;
        }
        if let Some(v) = p.block_selectors {
            self.block_selectors = v;
        }
        if let Some(v) = p.ignore_selectors {
            self.ignore_selectors = v;
        }
        if let Some(v) = p.exclude_urls {
            self.exclude_urls = v;
        }
        if let Some(v) = p.sample_rate {
            self.sample_rate = v;
        }
        if let Some(v) = p.capture_network {
            self.capture_network = v;
        }
        if let Some(v) = p.capture_console {
            self.capture_console = v;
        }
        if let Some(v) = p.retention_days {
            self.retention_days = v;
        }
        if let Some(v) = p.allowed_origins {
            self.allowed_origins = v;
        }
    }

    /// Sessions that ended before this instant are past retention at `now_ms`.
    pub fn retention_cutoff_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(i64::from(self.retention_days) * 24 * 3600 * 1000)
    }

    /// Checks every field against the rules `ProjectSettingsPatch::from_json` enforces.
    pub fn validate(&self) -> Result<(), SettingsError> {
        for (field, list) in [
            ("mask_selectors", &self.mask_selectors),
            ("block_selectors", &self.block_selectors),
            ("ignore_selectors", &self.ignore_selectors),
        ] {
            check_list(field, list, MAX_SELECTORS_PER_LIST, check_selector)?;
        }
        check_list(
            "exclude_urls",
            &self.exclude_urls,
            MAX_EXCLUDE_URLS,
            check_url_pattern,
        )?;
        check_list(
            "allowed_origins",
            &self.allowed_origins,
            MAX_ALLOWED_ORIGINS,
            |o| check_origin(o).map(drop),
        )?;
        check_sample_rate(self.sample_rate)?;
        check_retention_days(i64::from(self.retention_days))
    }
}

impl ProjectSettingsPatch {
    /// Parses and validates the JSON object of an update. Unknown keys are refused (a typo must
    /// not look saved); list entries are trimmed and origins normalized (lowercase, no trailing
    /// slash), as the SDK and ingest compare them.
    pub fn from_json(value: &Value) -> Result<Self, SettingsError> {
        let Value::Object(fields) = value else {
            return Err(error("settings", "must be a JSON object"));
        };
        let mut patch = Self::default();
        for (key, value) in fields {
            match key.as_str() {
                "privacy" => {
                    let level = value
                        .as_str()
                        .and_then(PrivacyLevel::parse)
                        .ok_or_else(|| {
                            error(key, "must be \"strict\", \"balanced\" or \"minimal\"")
                        })?;
                    patch.privacy = Some(level);
                }
                "mask_selectors" | "block_selectors" | "ignore_selectors" => {
                    let list = string_list(key, value, MAX_SELECTORS_PER_LIST, check_selector)?;
                    match key.as_str() {
                        "mask_selectors" => patch.mask_selectors = Some(list),
                        "block_selectors" => patch.block_selectors = Some(list),
                        _ => patch.ignore_selectors = Some(list),
                    }
                }
                "exclude_urls" => {
                    patch.exclude_urls = Some(string_list(
                        key,
                        value,
                        MAX_EXCLUDE_URLS,
                        check_url_pattern,
                    )?);
                }
                "allowed_origins" => {
                    let list = string_list(key, value, MAX_ALLOWED_ORIGINS, |o| {
                        check_origin(o).map(drop)
                    })?;
                    let normalized = list.iter().filter_map(|o| check_origin(o).ok()).collect();
                    patch.allowed_origins = Some(normalized);
                }
                "sample_rate" => {
                    let rate = value
                        .as_f64()
                        .ok_or_else(|| error(key, "must be a number from 0 to 1"))?;
                    check_sample_rate(rate)?;
                    patch.sample_rate = Some(rate);
                }
                "capture_network" | "capture_console" => {
                    let flag = value
                        .as_bool()
                        .ok_or_else(|| error(key, "must be true or false"))?;
                    if key == "capture_network" {
                        patch.capture_network = Some(flag);
                    } else {
                        patch.capture_console = Some(flag);
                    }
                }
                "retention_days" => {
                    let days = value
                        .as_i64()
                        .ok_or_else(|| error(key, "must be a whole number of days"))?;
                    check_retention_days(days)?;
                    patch.retention_days = Some(days as u32);
                }
                _ => return Err(error(key, "is not a project setting")),
            }
        }
        Ok(patch)
    }

    /// Returns true when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Default days sessions are kept (SPEC §6).
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// Longest retention a project may set: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

fn check_retention_days(days: i64) -> Result<(), SettingsError> {
    if (1..=i64::from(MAX_RETENTION_DAYS)).contains(&days) {
        Ok(())
    } else {
        Err(error(
            "retention_days",
            format!("must be from 1 to {MAX_RETENTION_DAYS} days"),
        ))
    }
}

fn string_list(
    field: &str,
    value: &Value,
    max_items: usize,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, SettingsError> {
    let items = value
        .as_array()
        .ok_or_else(|| error(field, "must be a list of strings"))?;
    let list = items
        .iter()
        .map(|item| item.as_str().map(|s| s.trim().to_string()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| error(field, "must be a list of strings"))?;
    check_list(field, &list, max_items, check)?;
    Ok(list)
}

fn check_list(
    field: &str,
    list: &[String],
    max_items: usize,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<(), SettingsError> {
    if list.len() > max_items {
        return Err(error(field, format!("at most {max_items} entries")));
    }
    for (index, item) in list.iter().enumerate() {
        let number = index + 1;
        if item.trim().is_empty() {
            return Err(error(field, format!("entry {number} is empty")));
        }
        if item.chars().any(char::is_control) {
            return Err(error(
                field,
                format!("entry {number} contains a control character"),
            ));
        }
        check(item).map_err(|message| error(field, format!("entry {number} {message}")))?;
    }
    Ok(())
}

fn check_selector(selector: &str) -> Result<(), String> {
    if selector.chars().count() > MAX_SELECTOR_CHARS {
        return Err(format!("is longer than {MAX_SELECTOR_CHARS} characters"));
    }
    // Selectors end up in CSS and in `querySelectorAll`; braces or markup are never a selector.
    if selector.contains(['{', '}', '<']) {
        return Err("may not contain `{`, `}` or `<`".into());
    }
    Ok(())
}

fn check_url_pattern(pattern: &str) -> Result<(), String> {
    if pattern.chars().count() > MAX_EXCLUDE_URL_CHARS {
        return Err(format!("is longer than {MAX_EXCLUDE_URL_CHARS} characters"));
    }
    if pattern.chars().any(char::is_whitespace) {
        return Err("may not contain spaces".into());
    }
    Ok(())
}

/// Checks an origin is `scheme://host[:port]` and returns it normalized (lowercase, no
/// trailing slash), as browsers send it in `Origin`.
fn check_origin(origin: &str) -> Result<String, String> {
    const SHAPE: &str = "must look like scheme://host[:port], without a path";
    if origin.chars().count() > MAX_ORIGIN_CHARS {
        return Err(format!("is longer than {MAX_ORIGIN_CHARS} characters"));
    }
    let lower = origin.to_ascii_lowercase();
    let lower = lower.strip_suffix('/').unwrap_or(&lower);
    let (scheme, authority) = lower.split_once("://").ok_or(SHAPE)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_lowercase())
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+.-".contains(c));
    if !scheme_ok {
        return Err(SHAPE.into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let ipv6 = host.starts_with('[')
        && host.ends_with(']')
        && host.len() > 2
        && host[1..host.len() - 1]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    let name = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n))
    });
    if (ipv6 || name) && port_ok {
        Ok(lower.to_string())
    } else {
        Err(SHAPE.into())
    }
}

fn check_sample_rate(rate: f64) -> Result<(), SettingsError> {
    if rate.is_finite() && (0.0..=1.0).contains(&rate) {
        Ok(())
    } else {
        Err(error("sample_rate", "must be a number from 0 to 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(value: Value) -> Result<ProjectSettingsPatch, SettingsError> {
        ProjectSettingsPatch::from_json(&value)
    }

    fn field_of(value: Value) -> String {
        patch(value).expect_err("refused").field
    }

    #[test]
    fn defaults_match_spec_and_read_from_an_empty_column() {
        let settings: ProjectSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(settings, ProjectSettings::default());
        assert_eq!(settings.privacy, PrivacyLevel::Balanced);
        assert_eq!(settings.sample_rate, 1.0);
        assert!(!settings.capture_network && !settings.capture_console);
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn serializes_the_recorder_config_keys_without_allowed_origins() {
        let settings = ProjectSettings {
            allowed_origins: vec!["https://shop.test".into()],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&settings).unwrap(),
            json!({"privacy": "balanced", "mask_selectors": [], "block_selectors": [],
                   "ignore_selectors": [], "exclude_urls": [], "sample_rate": 1.0,
                   "capture_network": false, "capture_console": false, "retention_days": 30})
        );
    }

    #[test]
    fn a_patch_changes_only_its_fields() {
        let mut settings = ProjectSettings {
            mask_selectors: vec![".secret".into()],
            ..Default::default()
        };
        let p = patch(json!({"privacy": "strict", "sample_rate": 0.25, "capture_console": true}))
            .unwrap();
        settings.apply(&p);
        assert_eq!(settings.privacy, PrivacyLevel::Strict);
        assert_eq!(settings.sample_rate, 0.25);
        assert!(settings.capture_console);
        assert_eq!(settings.mask_selectors, [".secret"], "untouched");
        assert!(patch(json!({})).unwrap().is_empty());
    }

    #[test]
    fn retention_cuts_off_whole_days_before_now() {
        let settings = ProjectSettings {
            retention_days: 2,
            ..Default::default()
        };
        assert_eq!(
            settings.retention_cutoff_ms(10 * 86_400_000),
            8 * 86_400_000
        );
        assert_eq!(settings.retention_cutoff_ms(0), -2 * 86_400_000);
        let p = patch(json!({"retention_days": 90})).unwrap();
        assert_eq!(p.retention_days, Some(90));
    }

    #[test]
    fn entries_are_trimmed_and_origins_normalized() {
        let p = patch(json!({"mask_selectors": ["  .card  "],
                             "allowed_origins": ["HTTPS://Shop.Test/", "http://127.0.0.1:8080"]}))
        .unwrap();
        assert_eq!(p.mask_selectors.unwrap(), [".card"]);
        assert_eq!(
            p.allowed_origins.unwrap(),
            ["https://shop.test", "http://127.0.0.1:8080"]
        );
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field_of(json!({"privacy": "loose"})), "privacy");
        assert_eq!(field_of(json!({"sample_rate": 1.5})), "sample_rate");
        assert_eq!(field_of(json!({"sample_rate": -0.1})), "sample_rate");
        assert_eq!(field_of(json!({"sample_rate": "1"})), "sample_rate");
        assert_eq!(field_of(json!({"retention_days": 0})), "retention_days");
        assert_eq!(field_of(json!({"retention_days": 3651})), "retention_days");
        assert_eq!(field_of(json!({"retention_days": 7.5})), "retention_days");
        assert_eq!(field_of(json!({"capture_network": 1})), "capture_network");
        assert_eq!(field_of(json!({"mask_selectors": "a"})), "mask_selectors");
        assert_eq!(
            field_of(json!({"block_selectors": [""]})),
            "block_selectors"
        );
        assert_eq!(
            field_of(json!({"ignore_selectors": [3]})),
            "ignore_selectors"
        );
        assert_eq!(field_of(json!({"exclude_urls": ["a b"]})), "exclude_urls");
        assert_eq!(field_of(json!({"colour": "red"})), "colour");
        assert_eq!(field_of(json!([])), "settings");
        let e = patch(json!({"mask_selectors": [".ok", "a{color:red}"]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mask_selectors: entry 2 may not contain `{`, `}` or `<`"
        );
    }

    #[test]
    fn selectors_refuse_markup_and_length() {
        for bad in ["a}", "<script>", "x{", "a\nb"] {
            assert_eq!(
                field_of(json!({"mask_selectors": [bad]})),
                "mask_selectors",
                "{bad:?}"
            );
        }
        let long = "a".repeat(MAX_SELECTOR_CHARS + 1);
        assert_eq!(
            field_of(json!({"mask_selectors": [long]})),
            "mask_selectors"
        );
        let many: Vec<String> = (0..=MAX_SELECTORS_PER_LIST)
            .map(|i| format!(".c{i}"))
            .collect();
        assert_eq!(field_of(json!({"mask_selectors": many})), "mask_selectors");
        let ok = "a".repeat(MAX_SELECTOR_CHARS);
        assert!(patch(json!({"mask_selectors": [ok, "input[type=email]", "#a > .b"]})).is_ok());
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for good in [
            "https://shop.test",
            "http://localhost:3000",
            "https://[::1]:8443",
            "https://a-b.example.co.uk/",
        ] {
            assert!(check_origin(good).is_ok(), "{good}");
        }
        for bad in [
            "shop.test",
            "https://shop.test/path",
            "https://shop.test?x=1",
            "https://",
            "https://shop.test:0",
            "https://shop.test:99999",
            "https://shop.test:",
            "https://user@shop.test",
            "*",
            "1http://a.test",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
            assert_eq!(
                field_of(json!({"allowed_origins": [bad]})),
                "allowed_origins"
            );
        }
    }

    #[test]
    fn validate_checks_whole_settings() {
        let bad = ProjectSettings {
            sample_rate: f64::NAN,
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "sample_rate");
        let bad = ProjectSettings {
            allowed_origins: vec!["nope".into()],
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "allowed_origins");
    }
}
