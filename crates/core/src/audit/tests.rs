use proptest::prelude::*;
use serde_json::json;

use super::*;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn list(items: &[(&str, &str)]) -> Result<AuditRequest, crate::search::QueryError> {
    parse_audit_query(&pairs(items), QueryKind::List)
}

#[test]
fn every_filter_parses() {
    let request = list(&[
        ("organization_id", "org1"),
        ("actor", "user:u1"),
        ("action", "session.*"),
        ("target", "session:s1"),
        ("from", "2026-01-01T00:00:00Z"),
        ("to", "1767312000000"),
        ("cursor", "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"),
        ("limit", "500"),
    ])
    .unwrap();
    assert_eq!(
        request.filter,
        AuditFilter {
            organization_id: "org1".into(),
            actor: Some("user:u1".into()),
            action: Some(ActionFilter::Prefix("session.".into())),
            target: Some("session:s1".into()),
            from_ms: Some(1_767_225_600_000),
            to_ms: Some(1_767_312_000_000),
        }
    );
    assert_eq!(
        request.cursor.as_deref(),
        Some("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b")
    );
    assert_eq!(request.limit, 500);
    assert_eq!(
        request.filter.to_json(),
        json!({"organization_id": "org1", "actor": "user:u1", "action": "session.*",
               "target": "session:s1", "from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"})
    );
}

#[test]
fn defaults_and_empty_values() {
    let request = list(&[("organization_id", "o"), ("actor", ""), ("cursor", " ")]).unwrap();
    assert_eq!(request.limit, DEFAULT_LIMIT);
    assert_eq!(request.cursor, None);
    assert_eq!(request.filter.actor, None);
    assert_eq!(request.format, ExportFormat::Csv);
    assert_eq!(
        list(&[("organization_id", "o"), ("action", "session.view")])
            .unwrap()
            .filter
            .action,
        Some(ActionFilter::Exact("session.view".into()))
    );
    assert!(list(&[("organization_id", "o"), ("action", "session")]).is_ok());
    for actor in [
        "cli",
        "anonymous",
        "system:retention",
        "api_key:k1",
        "user:x",
    ] {
        assert!(
            list(&[("organization_id", "o"), ("actor", actor)]).is_ok(),
            "{actor}"
        );
    }
}

#[test]
fn bad_values_name_their_parameter() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "organization_id"),
        (&[("actor", "user:u")], "organization_id"),
        (
            &[("organization_id", "o"), ("actor", "bob@x.test")],
            "actor",
        ),
        (&[("organization_id", "o"), ("actor", "user:")], "actor"),
        (&[("organization_id", "o"), ("actor", "nobody")], "actor"),
        (&[("organization_id", "o"), ("action", "*")], "action"),
        (
            &[("organization_id", "o"), ("action", "session.*.*")],
            "action",
        ),
        (
            &[("organization_id", "o"), ("action", "Session.View")],
            "action",
        ),
        (
            &[("organization_id", "o"), ("action", "session..view")],
            "action",
        ),
        (&[("organization_id", "o"), ("from", "yesterday")], "from"),
        (&[("organization_id", "o"), ("to", "-5")], "to"),
        (
            &[("organization_id", "o"), ("from", "2000"), ("to", "1000")],
            "to",
        ),
        (&[("organization_id", "o"), ("cursor", "../x")], "cursor"),
        (&[("organization_id", "o"), ("limit", "0")], "limit"),
        (&[("organization_id", "o"), ("limit", "501")], "limit"),
        (&[("organization_id", "o"), ("limit", "ten")], "limit"),
        (&[("organization_id", "o"), ("format", "csv")], "format"),
        (&[("organization_id", "o"), ("actr", "cli")], "actr"),
        (
            &[("organization_id", "o"), ("organization_id", "p")],
            "organization_id",
        ),
    ];
    for (items, param) in cases {
        let error = list(items).expect_err(&format!("{items:?} must be refused"));
        assert_eq!(error.param, *param, "{items:?}: {error}");
    }
    let long = "a".repeat(513);
    assert_eq!(
        list(&[("organization_id", "o"), ("target", &long)])
            .unwrap_err()
            .param,
        "target"
    );
}

#[test]
fn the_export_takes_a_format_but_no_page() {
    let export = |items: &[(&str, &str)]| parse_audit_query(&pairs(items), QueryKind::Export);
    assert_eq!(
        export(&[("organization_id", "o"), ("format", "ndjson")])
            .unwrap()
            .format,
        ExportFormat::Ndjson
    );
    assert_eq!(
        export(&[("organization_id", "o")]).unwrap().format,
        ExportFormat::Csv
    );
    for (items, param) in [
        (vec![("organization_id", "o"), ("format", "xlsx")], "format"),
        (vec![("organization_id", "o"), ("cursor", "abc")], "cursor"),
        (vec![("organization_id", "o"), ("limit", "10")], "limit"),
    ] {
        assert_eq!(export(&items).unwrap_err().param, param);
    }
}

proptest! {
    /// Arbitrary query strings never panic; a refusal names a parameter that was sent, or the
    /// required `organization_id`.
    #[test]
    fn any_query_parses_or_names_a_sent_parameter(
        items in proptest::collection::vec(
            (
                prop_oneof![
                    Just("organization_id".to_string()), Just("actor".to_string()),
                    Just("action".to_string()), Just("target".to_string()),
                    Just("from".to_string()), Just("to".to_string()),
                    Just("cursor".to_string()), Just("limit".to_string()),
                    Just("format".to_string()), ".{0,12}",
                ],
                ".{0,40}",
            ),
            0..10,
        ),
        export in any::<bool>(),
    ) {
        let kind = if export { QueryKind::Export } else { QueryKind::List };
        match parse_audit_query(&items, kind) {
            Ok(request) => {
                prop_assert!((1..=MAX_LIMIT).contains(&request.limit));
                prop_assert!(!request.filter.organization_id.is_empty());
            }
            Err(error) => prop_assert!(
                error.param == "organization_id" || items.iter().any(|(k, _)| *k == error.param),
                "{error}"
            ),
        }
    }
}

fn view<'a>(details: &'a serde_json::Value) -> AuditView<'a> {
    AuditView {
        id: "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",
        at_ms: 1_767_225_600_123,
        actor: "user:u1",
        actor_email: Some("ada@shop.test"),
        actor_name: None,
        action: "session.view",
        target: "session:s1",
        ip: Some("203.0.113.9"),
        details,
    }
}

#[test]
fn csv_cells_are_quoted_and_defused() {
    assert_eq!(csv_cell("plain"), "plain");
    assert_eq!(csv_cell(""), "");
    assert_eq!(csv_cell("a,b"), "\"a,b\"");
    assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    // Formula injection: a spreadsheet must show these as text, not run them.
    assert_eq!(
        csv_cell("=HYPERLINK(\"http://evil\")"),
        "\"'=HYPERLINK(\"\"http://evil\"\")\""
    );
    assert_eq!(csv_cell("+1+1"), "'+1+1");
    assert_eq!(csv_cell("-2+3"), "'-2+3");
    assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_cell("\tcmd"), "'\tcmd");
    assert_eq!(csv_cell("\r=x"), "\"'\r=x\"");
    assert_eq!(csv_cell("a=b"), "a=b", "only a leading sign is a formula");
}

#[test]
fn csv_and_ndjson_lines_carry_every_field() {
    let details = json!({"format": "html", "note": "=1+1, \"x\""});
    let entry = view(&details);
    assert_eq!(
        csv_line(&entry),
        "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b,2026-01-01T00:00:00.123Z,user:u1,ada@shop.test,,\
         session.view,session:s1,203.0.113.9,\"{\"\"format\"\":\"\"html\"\",\"\"note\"\":\"\"=1+1, \\\"\"x\\\"\"\"\"}\"\r\n"
    );
    assert_eq!(
        CSV_HEADER.matches(',').count(),
        csv_line(&view(&json!(1))).matches(',').count()
    );
    let line = ndjson_line(&entry);
    assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
    let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(parsed, entry.to_json());
    assert_eq!(
        parsed,
        json!({"id": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", "at": "2026-01-01T00:00:00.123Z",
               "actor": "user:u1", "actor_email": "ada@shop.test", "actor_name": null,
               "action": "session.view", "target": "session:s1", "ip": "203.0.113.9",
               "details": details})
    );
}

#[test]
fn actor_ids_by_kind() {
    assert_eq!(actor_id("user:u1", "user"), Some("u1"));
    assert_eq!(actor_id("api_key:k", "user"), None);
    assert_eq!(actor_id("user:", "user"), None);
    assert_eq!(actor_id("username:x", "user"), None);
    assert_eq!(actor_id("cli", "user"), None);
}
