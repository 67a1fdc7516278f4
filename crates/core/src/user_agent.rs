//! A small user-agent reader: browser, version, OS and device class, for the common browsers.
//! It is deliberately table-driven and conservative: what it does not know it calls "Other".

use serde::{Deserialize, Serialize};

/// What a user agent string says about the browser and device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAgentInfo {
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    /// `desktop`, `mobile`, `tablet` or `bot`.
    pub device_type: String,
}

/// Browser tokens in priority order: forks first, since they also carry `Chrome/` or `Safari/`.
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("YaBrowser/", "Yandex"),
    ("Vivaldi/", "Vivaldi"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("HeadlessChrome/", "Chrome Headless"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
];

const BOT_MARKERS: &[&str] = &["bot", "crawler", "spider", "slurp", "lighthouse"];

/// Parses a user agent string.
pub fn parse_user_agent(ua: &str) -> UserAgentInfo {
    let (browser, browser_version) = BROWSERS
        .iter()
        .find_map(|(token, name)| version_after(ua, token).map(|v| (name.to_string(), v)))
        .unwrap_or_else(|| ("Other".into(), String::new()));
    UserAgentInfo {
        browser,
        browser_version,
        os: os_of(ua).into(),
        device_type: device_of(ua).into(),
    }
}

fn version_after(ua: &str, token: &str) -> Option<String> {
    let start = ua.find(token)? + token.len();
    let version: String = ua[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    // Keep major.minor: enough to tell versions apart, and less fingerprinting.
    Some(version.split('.').take(2).collect::<Vec<_>>().join("."))
}

fn os_of(ua: &str) -> &'static str {
    if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("iPhone") || ua.contains("iPod") {
        "iOS"
    } else if ua.contains("iPad") {
        "iPadOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux"
    } else {
        "Other"
    }
}

fn device_of(ua: &str) -> &'static str {
    let lower = ua.to_ascii_lowercase();
    if BOT_MARKERS.iter().any(|m| lower.contains(m)) {
        "bot"
    } else if ua.contains("iPad")
        || ua.contains("Tablet")
        || (ua.contains("Android") && !ua.contains("Mobile"))
    {
        "tablet"
    } else if ua.contains("Mobile") || ua.contains("iPhone") || ua.contains("iPod") {
        "mobile"
    } else {
        "desktop"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ua: &str, browser: &str, version: &str, os: &str, device: &str) {
        let info = parse_user_agent(ua);
        assert_eq!(
            (
                info.browser.as_str(),
                info.browser_version.as_str(),
                info.os.as_str(),
                info.device_type.as_str()
            ),
            (browser, version, os, device),
            "{ua}"
        );
    }

    #[test]
    fn common_user_agents() {
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36",
            "Chrome",
            "131.0",
            "Windows",
            "desktop",
        );
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
            "Edge",
            "131.0",
            "Windows",
            "desktop",
        );
        check(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari",
            "18.1",
            "macOS",
            "desktop",
        );
        check(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari",
            "18.1",
            "iOS",
            "mobile",
        );
        check(
            "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
            "Chrome",
            "120.0",
            "iPadOS",
            "tablet",
        );
        check(
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox",
            "133.0",
            "Linux",
            "desktop",
        );
        check(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome",
            "131.0",
            "Android",
            "mobile",
        );
        check(
            "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
            "Samsung Internet",
            "23.0",
            "Android",
            "tablet",
        );
        check(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "Chrome Headless",
            "156.0",
            "Linux",
            "desktop",
        );
        check(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Other",
            "",
            "Other",
            "bot",
        );
        check("", "Other", "", "Other", "desktop");
    }
}
