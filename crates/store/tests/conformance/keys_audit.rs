//! Data keys (encryption at rest) and the audit log, the same on every engine.

use super::*;

fn wrapped(id: &str, org: &str, bytes: &[u8], master: &str) -> WrappedDataKey {
    WrappedDataKey {
        id: id.into(),
        organization_id: org.into(),
        wrapped_key: bytes.to_vec(),
        master_key_id: master.into(),
    }
}

/// One data key per organization, whoever asks first (two nodes at once agree on it); rotation
/// replaces the wrapping in place.
pub(crate) async fn data_keys_are_one_per_organization_and_rewrapped_in_place(f: Fixture) {
    let other = open_meta_store(&f.url).await.unwrap();
    let store = f.store.as_ref();
    let a = store.create_organization("A", 1).await.unwrap();
    let b = store.create_organization("B", 1).await.unwrap();
    assert_eq!(store.data_key(&a.id).await.unwrap(), None);

    let first = wrapped("k1", &a.id, &[0, 1, 255], "m1");
    let second = wrapped("k2", &a.id, &[9; 40], "m1");
    let (x, y) = tokio::join!(
        store.insert_data_key_if_absent(&first),
        other.insert_data_key_if_absent(&second)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x, y, "both nodes got the one stored key");
    assert!(x == first || x == second);
    assert_eq!(
        store
            .insert_data_key_if_absent(&wrapped("k3", &a.id, &[7], "m1"))
            .await
            .unwrap(),
        x,
        "a later insert returns the existing key"
    );
    let kb = store
        .insert_data_key_if_absent(&wrapped("kb", &b.id, &[], "m1"))
        .await
        .unwrap();
    assert!(kb.wrapped_key.is_empty(), "empty bytes survive as empty");
    let mut ids: Vec<String> = store
        .all_data_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    ids.sort();
    let mut expected = vec![x.id.clone(), "kb".to_string()];
    expected.sort();
    assert_eq!(ids, expected);

    let rewrapped = wrapped(&x.id, &a.id, &[42; 72], "m2");
    store
        .replace_wrapped_keys(std::slice::from_ref(&rewrapped))
        .await
        .unwrap();
    assert_eq!(other.data_key(&a.id).await.unwrap(), Some(rewrapped));
    assert_eq!(
        other.data_key(&b.id).await.unwrap(),
        Some(kb),
        "others untouched"
    );
}

fn entry(id: &str, org: Option<&str>, action: &str) -> AuditEntry {
    AuditEntry {
        id: id.into(),
        organization_id: org.map(str::to_string),
        at_ms: 1_000,
        actor: "user:u1".into(),
        action: action.into(),
        target: "session:s1".into(),
        ip: None,
        details: serde_json::json!({}),
    }
}

/// The audit log lists an organization's entries newest (highest id) first, filtered by action,
/// in keyset pages; details and the IP come back as written.
pub(crate) async fn audit_log_pages_newest_first_per_organization(f: Fixture) {
    let store = f.store.as_ref();
    let mut detailed = entry("0003", Some("o1"), "session.view");
    detailed.ip = Some("203.0.113.7".into());
    detailed.details =
        serde_json::json!({"reason": "support ticket", "n": 2, "nested": [true, null]});
    for e in [
        entry("0001", Some("o1"), "session.view"),
        entry("0002", Some("o1"), "session.delete"),
        detailed.clone(),
        entry("0004", Some("o2"), "session.view"),
        entry("0005", None, "instance.setting"),
        entry("0006", Some("o1"), "session.view"),
    ] {
        store.append_audit(&e).await.unwrap();
    }
    assert!(
        store
            .append_audit(&entry("0001", None, "again"))
            .await
            .is_err(),
        "ids are unique"
    );
    let page = |orgs: &[&str], action: Option<&str>, before: Option<&str>, limit| AuditQuery {
        organization_ids: orgs.iter().map(|o| o.to_string()).collect(),
        action: action.map(str::to_string),
        before_id: before.map(str::to_string),
        limit,
        ..AuditQuery::default()
    };
    let ids = |entries: Vec<AuditEntry>| entries.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .audit_entries(&page(&["o1"], None, None, 10))
            .await
            .unwrap()),
        ["0006", "0003", "0002", "0001"]
    );
    assert_eq!(
        ids(store
            .audit_entries(&page(&["o1"], Some("session.view"), Some("0006"), 1))
            .await
            .unwrap()),
        ["0003"]
    );
    assert_eq!(
        ids(store
            .audit_entries(&page(&["o1", "o2"], Some("session.view"), None, 10))
            .await
            .unwrap()),
        ["0006", "0004", "0003", "0001"]
    );
    assert!(
        store
            .audit_entries(&page(&[], None, None, 10))
            .await
            .unwrap()
            .is_empty()
    );
    let got = store
        .audit_entries(&page(&["o1"], Some("session.view"), Some("0004"), 1))
        .await
        .unwrap();
    assert_eq!(got, [detailed]);
}

/// Every filter of the audit log alone and combined: actor, target and action exactly, an action
/// prefix (`session.` matches `session.view`, not `sessions.x` nor `session` itself), and a time
/// range `from ≤ at < to`; the keyset cursor pages a filtered log without gaps or repeats.
pub(crate) async fn audit_log_filters_by_actor_action_target_and_time(f: Fixture) {
    let store = f.store.as_ref();
    let at = |id: &str, at_ms: i64, actor: &str, action: &str, target: &str| AuditEntry {
        id: id.into(),
        organization_id: Some("o1".into()),
        at_ms,
        actor: actor.into(),
        action: action.into(),
        target: target.into(),
        ip: None,
        details: serde_json::json!({}),
    };
    let entries = [
        at("01", 100, "user:a", "session.view", "session:s1"),
        at("02", 200, "user:b", "session.export", "session:s1"),
        at("03", 300, "user:a", "sessions.x", "session:s2"),
        at("04", 400, "api_key:k", "session.view", "session:s2"),
        at("05", 500, "user:a", "session", "session:s1"),
        at("06", 600, "user:a", "member.invite", "invitation:i"),
        at("07", 700, "user:a", "session.delete", "session:s1"),
    ];
    for e in &entries {
        store.append_audit(e).await.unwrap();
    }
    // Another organization's matching entry never shows.
    let mut foreign = at("08", 400, "user:a", "session.view", "session:s1");
    foreign.organization_id = Some("o2".into());
    store.append_audit(&foreign).await.unwrap();

    let base = AuditQuery {
        organization_ids: vec!["o1".into()],
        limit: 100,
        ..AuditQuery::default()
    };
    let ids = async |q: AuditQuery| -> Vec<String> {
        store
            .audit_entries(&q)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    };
    let s = |v: &str| Some(v.to_string());
    let cases: Vec<(AuditQuery, Vec<&str>)> = vec![
        (base.clone(), vec!["07", "06", "05", "04", "03", "02", "01"]),
        (
            AuditQuery {
                actor: s("user:a"),
                ..base.clone()
            },
            vec!["07", "06", "05", "03", "01"],
        ),
        (
            AuditQuery {
                target: s("session:s2"),
                ..base.clone()
            },
            vec!["04", "03"],
        ),
        (
            AuditQuery {
                action: s("session.view"),
                ..base.clone()
            },
            vec!["04", "01"],
        ),
        (
            AuditQuery {
                action_prefix: s("session."),
                ..base.clone()
            },
            vec!["07", "04", "02", "01"],
        ),
        (
            AuditQuery {
                from_ms: Some(200),
                to_ms: Some(500),
                ..base.clone()
            },
            vec!["04", "03", "02"],
        ),
        (
            AuditQuery {
                from_ms: Some(650),
                ..base.clone()
            },
            vec!["07"],
        ),
        (
            AuditQuery {
                to_ms: Some(101),
                ..base.clone()
            },
            vec!["01"],
        ),
        (
            AuditQuery {
                actor: s("user:a"),
                action_prefix: s("session."),
                target: s("session:s1"),
                ..base.clone()
            },
            vec!["07", "01"],
        ),
        (
            AuditQuery {
                actor: s("user:a"),
                action: s("session.view"),
                from_ms: Some(101),
                ..base.clone()
            },
            vec![],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(ids(query.clone()).await, expected, "{query:?}");
    }

    // Pages of two through the prefix filter: every match once, in order.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = ids(AuditQuery {
            action_prefix: s("session."),
            before_id: before.clone(),
            limit: 2,
            ..base.clone()
        })
        .await;
        if page.is_empty() {
            break;
        }
        before = page.last().cloned();
        seen.extend(page);
    }
    assert_eq!(seen, ["07", "04", "02", "01"]);
}

/// Users are found by id for the audit log's emails; unknown ids are left out.
pub(crate) async fn users_are_found_by_ids(f: Fixture) {
    let store = f.store.as_ref();
    assert!(store.users_by_ids(&[]).await.unwrap().is_empty());
    let ada = store.create_user("ada@test.test", "h", 1).await.unwrap();
    let bob = store.create_user("bob@test.test", "h", 1).await.unwrap();
    let mut found = store
        .users_by_ids(&[bob.id.clone(), "nobody".into(), ada.id.clone()])
        .await
        .unwrap();
    found.sort_by(|a, b| a.email.cmp(&b.email));
    assert_eq!(found, [ada, bob]);
}
