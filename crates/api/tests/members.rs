//! Members through the real router: listing (with pending invitations), role changes within the
//! policy (admins never touch owners), the last owner kept, removal taking effect on the next
//! request, another organization's members not found, cross-origin writes refused, and exactly
//! one audit entry per change.

#[path = "accounts_support/mod.rs"]
mod support;

use axum::http::{Method, StatusCode};
use serde_json::json;
use support::{audited, call, call_from, user_id};
use tapedeck_testkit::TestApp;

async fn patch_role(
    app: &TestApp,
    cookie: &str,
    user: &str,
    org: &str,
    role: &str,
) -> (StatusCode, String) {
    let response = call(
        app,
        Method::PATCH,
        &format!("/api/v1/members/{user}"),
        Some(cookie),
        Some(json!({ "organization_id": org, "role": role })),
    )
    .await;
    let code = if response.status.is_success() {
        String::new()
    } else {
        response.error_code()
    };
    (response.status, code)
}

async fn remove(app: &TestApp, cookie: &str, user: &str, org: &str) -> (StatusCode, String) {
    let response = call(
        app,
        Method::DELETE,
        &format!("/api/v1/members/{user}?organization_id={org}"),
        Some(cookie),
        None,
    )
    .await;
    let code = if response.status.is_success() {
        String::new()
    } else {
        response.error_code()
    };
    (response.status, code)
}

#[tokio::test]
async fn members_are_listed_with_their_roles_and_the_organization_is_required() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let viewer = app.login("viewer@test.test", "viewer").await;

    let listed = call(
        &app,
        Method::GET,
        &format!("/api/v1/members?organization_id={org}"),
        Some(&viewer),
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    let body = listed.json();
    let members = body["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["email"], "owner@test.test");
    assert_eq!(members[0]["role"], "owner");
    assert_eq!(members[0]["is_you"], false);
    assert!(members[0]["joined_at"].is_string());
    assert_eq!(members[1]["email"], "viewer@test.test");
    assert_eq!(members[1]["is_you"], true);
    assert_eq!(members[1]["user_id"], user_id(&app, &viewer).await.as_str());
    assert_eq!(body["invitations"], json!([]));

    let missing = call(&app, Method::GET, "/api/v1/members", Some(&owner), None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error_code(), "invalid_query");

    let other = app
        .meta
        .create_organization("Other org", 0)
        .await
        .unwrap()
        .id;
    let foreign = call(
        &app,
        Method::GET,
        &format!("/api/v1/members?organization_id={other}"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another organization is not confirmed to exist"
    );
}

#[tokio::test]
async fn roles_change_within_the_policy_and_admins_never_touch_owners() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let admin = app.login("admin@test.test", "admin").await;
    let member = app.login("member@test.test", "member").await;
    let (owner_id, member_id) = (user_id(&app, &owner).await, user_id(&app, &member).await);

    let promoted = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/members/{member_id}"),
        Some(&admin),
        Some(json!({ "organization_id": org, "role": "admin" })),
    )
    .await;
    assert_eq!(promoted.status, StatusCode::OK, "{:?}", promoted.body);
    assert_eq!(promoted.json()["role"], "admin");
    assert_eq!(promoted.json()["email"], "member@test.test");

    assert_eq!(
        patch_role(&app, &admin, &member_id, &org, "owner").await,
        (StatusCode::FORBIDDEN, "forbidden".into()),
        "only owners grant owner"
    );
    assert_eq!(
        patch_role(&app, &admin, &owner_id, &org, "viewer").await,
        (StatusCode::FORBIDDEN, "forbidden".into()),
        "nor take it away"
    );
    assert_eq!(
        remove(&app, &admin, &owner_id, &org).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert_eq!(
        patch_role(&app, &member, &owner_id, &org, "viewer").await.0,
        StatusCode::FORBIDDEN,
        "an admin now, but still not over owners"
    );
    assert_eq!(
        patch_role(&app, &admin, &member_id, &org, "superuser")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        patch_role(&app, &admin, "nobody", &org, "viewer").await.0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        patch_role(&app, &owner, &member_id, &org, "owner").await.0,
        StatusCode::OK
    );
    let changes = audited(&app, &org, "member.role_change").await;
    assert_eq!(changes.len(), 2, "one entry per change, none for refusals");
    assert_eq!(changes[0].target, format!("user:{member_id}"));
    assert_eq!(changes[0].details["from"], "member");
    assert_eq!(changes[0].details["to"], "admin");
    assert_eq!(changes[1].details["to"], "owner");
    assert_eq!(changes[1].actor, format!("user:{owner_id}"));
}

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_removed_nor_leave() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let owner_id = user_id(&app, &owner).await;

    assert_eq!(
        patch_role(&app, &owner, &owner_id, &org, "admin").await,
        (StatusCode::CONFLICT, "last_owner".into())
    );
    assert_eq!(
        remove(&app, &owner, &owner_id, &org).await,
        (StatusCode::CONFLICT, "last_owner".into())
    );

    let second = app.login("second@test.test", "admin").await;
    let second_id = user_id(&app, &second).await;
    assert_eq!(
        patch_role(&app, &owner, &second_id, &org, "owner").await.0,
        StatusCode::OK
    );
    assert_eq!(
        patch_role(&app, &owner, &owner_id, &org, "admin").await.0,
        StatusCode::OK,
        "another owner remains"
    );
    assert_eq!(
        remove(&app, &second, &second_id, &org).await,
        (StatusCode::CONFLICT, "last_owner".into())
    );
    assert!(audited(&app, &org, "member.remove").await.is_empty());
}

#[tokio::test]
async fn a_removed_member_loses_access_on_the_next_request_and_anyone_may_leave() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let admin = app.login("admin@test.test", "admin").await;
    let member = app.login("member@test.test", "member").await;
    let viewer = app.login("viewer@test.test", "viewer").await;
    let (member_id, viewer_id) = (user_id(&app, &member).await, user_id(&app, &viewer).await);
    let list = format!("/api/v1/members?organization_id={org}");
    assert_eq!(
        call(&app, Method::GET, &list, Some(&member), None)
            .await
            .status,
        StatusCode::OK
    );

    assert_eq!(
        remove(&app, &viewer, &member_id, &org).await.0,
        StatusCode::FORBIDDEN,
        "a viewer removes nobody else"
    );
    assert_eq!(
        remove(&app, &admin, &member_id, &org).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::GET, &list, Some(&member), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the same login, no longer a member"
    );
    let projects = call(&app, Method::GET, "/api/v1/projects", Some(&member), None).await;
    assert_eq!(
        projects.json()["projects"],
        json!([]),
        "{:?}",
        projects.body
    );
    assert_eq!(
        remove(&app, &admin, &member_id, &org).await.0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        remove(&app, &viewer, &viewer_id, &org).await.0,
        StatusCode::NO_CONTENT,
        "leaving oneself"
    );
    let removals = audited(&app, &org, "member.remove").await;
    assert_eq!(removals.len(), 2);
    assert_eq!(removals[0].target, format!("user:{member_id}"));
    assert_eq!(removals[1].actor, format!("user:{viewer_id}"));
}

#[tokio::test]
async fn cross_origin_member_writes_with_a_valid_cookie_are_refused() {
    let app = TestApp::new().await;
    let org = app.org_id.clone();
    let owner = app.login("owner@test.test", "owner").await;
    let member = app.login("member@test.test", "member").await;
    let member_id = user_id(&app, &member).await;
    let forged = |method: Method, uri: String, body| {
        let (app, owner) = (&app, &owner);
        async move {
            call_from(
                app,
                method,
                &uri,
                Some(owner),
                body,
                "https://evil.test",
                None,
            )
            .await
        }
    };

    let patch = forged(
        Method::PATCH,
        format!("/api/v1/members/{member_id}"),
        Some(json!({"organization_id": org, "role": "owner"})),
    )
    .await;
    assert_eq!(
        (patch.status, patch.error_code()),
        (StatusCode::FORBIDDEN, "csrf_rejected".into())
    );
    let delete = forged(
        Method::DELETE,
        format!("/api/v1/members/{member_id}?organization_id={org}"),
        None,
    )
    .await;
    assert_eq!(
        (delete.status, delete.error_code()),
        (StatusCode::FORBIDDEN, "csrf_rejected".into())
    );
    let invite = forged(
        Method::POST,
        "/api/v1/invitations".into(),
        Some(json!({"organization_id": org, "email": "x@evil.test", "role": "owner"})),
    )
    .await;
    assert_eq!(
        (invite.status, invite.error_code()),
        (StatusCode::FORBIDDEN, "csrf_rejected".into())
    );
    let reset = forged(
        Method::POST,
        format!("/api/v1/members/{member_id}/password-reset"),
        Some(json!({"organization_id": org})),
    )
    .await;
    assert_eq!(
        (reset.status, reset.error_code()),
        (StatusCode::FORBIDDEN, "csrf_rejected".into())
    );
    let password = forged(
        Method::POST,
        "/api/v1/me/password".into(),
        Some(json!({"current_password": "x", "new_password": "yyyyyyyyyy"})),
    )
    .await;
    assert_eq!(
        (password.status, password.error_code()),
        (StatusCode::FORBIDDEN, "csrf_rejected".into())
    );

    let members = app.meta.members(&org).await.unwrap();
    assert!(
        members
            .iter()
            .all(|m| m.user.email != "member@test.test" || m.role == "member")
    );
    assert!(
        support::audit(&app, &org)
            .await
            .iter()
            .all(|e| !e.action.starts_with("member."))
    );
}
