//! Saved views, the same on every engine: each user sees their own views and the shared ones of
//! the organizations asked about, by name; names are unique per author and organization;
//! patches change only what they name; filters come back as stored.

use serde_json::{Map, Value, json};
use tapedeck_core::saved_views::ViewPatch;

use super::*;

fn filters(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn new_view(id: &str, org: &str, author: &User, name: &str, shared: bool) -> NewSavedView {
    NewSavedView {
        id: id.into(),
        organization_id: org.into(),
        author_id: author.id.clone(),
        name: name.into(),
        filters: filters(json!({"url": "/checkout", "tag": ["vip", "plan:pro"]})),
        shared,
        created_at_ms: 1_000,
    }
}

fn names(views: &[SavedView]) -> Vec<&str> {
    views.iter().map(|v| v.name.as_str()).collect()
}

pub(crate) async fn saved_views_are_private_or_shared_and_unique_per_author(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap().id;
    let other = s.create_organization("Other", 1).await.unwrap().id;
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();
    let bob = s.create_user("bob@test.test", "h", 1).await.unwrap();

    let created = s
        .create_saved_view(&new_view("v1", &org, &ada, "Checkout ✓", false))
        .await
        .unwrap();
    assert_eq!(
        created,
        SavedView {
            id: "v1".into(),
            organization_id: org.clone(),
            author: Some(ada.clone()),
            name: "Checkout ✓".into(),
            filters: filters(json!({"url": "/checkout", "tag": ["vip", "plan:pro"]})),
            shared: false,
            created_at_ms: 1_000,
            updated_at_ms: 1_000,
        }
    );
    s.create_saved_view(&new_view("v2", &org, &ada, "B shared", true))
        .await
        .unwrap();
    s.create_saved_view(&new_view("v3", &org, &bob, "A bob's", false))
        .await
        .unwrap();
    s.create_saved_view(&new_view("v4", &org, &bob, "C bob's shared", true))
        .await
        .unwrap();
    s.create_saved_view(&new_view("v5", &other, &bob, "D elsewhere", true))
        .await
        .unwrap();

    let mine = s
        .saved_views(&ada.id, std::slice::from_ref(&org))
        .await
        .unwrap();
    assert_eq!(names(&mine), ["B shared", "C bob's shared", "Checkout ✓"]);
    let bobs = s
        .saved_views(&bob.id, std::slice::from_ref(&org))
        .await
        .unwrap();
    assert_eq!(names(&bobs), ["A bob's", "B shared", "C bob's shared"]);
    let both = s
        .saved_views(&ada.id, &[org.clone(), other.clone()])
        .await
        .unwrap();
    assert_eq!(both.len(), 4, "the other organization's shared view too");
    assert!(s.saved_views(&ada.id, &[]).await.unwrap().is_empty());

    // Names are unique per author and organization, not across them.
    let taken = s
        .create_saved_view(&new_view("v6", &org, &ada, "Checkout ✓", true))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    s.create_saved_view(&new_view("v7", &org, &bob, "Checkout ✓", false))
        .await
        .unwrap();
    s.create_saved_view(&new_view("v8", &other, &ada, "Checkout ✓", false))
        .await
        .unwrap();
    assert_eq!(s.saved_view("v6").await.unwrap(), None);
}

pub(crate) async fn saved_views_are_patched_and_deleted(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap().id;
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();
    s.create_saved_view(&new_view("v1", &org, &ada, "Errors", false))
        .await
        .unwrap();
    s.create_saved_view(&new_view("v2", &org, &ada, "Slow", false))
        .await
        .unwrap();

    let shared = ViewPatch {
        shared: Some(true),
        ..Default::default()
    };
    let view = s.update_saved_view("v1", &shared, 2_000).await.unwrap();
    assert!(view.shared);
    assert_eq!(view.name, "Errors", "unnamed fields stay");
    assert_eq!(view.filters["tag"], json!(["vip", "plan:pro"]));
    assert_eq!((view.created_at_ms, view.updated_at_ms), (1_000, 2_000));

    let refiltered = ViewPatch {
        name: Some("Errors on /cart".into()),
        filters: Some(filters(
            json!({"has_errors": "true", "q": "naïve \u{0} text"}),
        )),
        ..Default::default()
    };
    let view = s.update_saved_view("v1", &refiltered, 3_000).await.unwrap();
    assert_eq!(view.name, "Errors on /cart");
    assert_eq!(view.filters.len(), 2, "filters are replaced, not merged");
    assert!(view.shared, "still shared");
    assert_eq!(s.saved_view("v1").await.unwrap(), Some(view));

    let clash = ViewPatch {
        name: Some("Slow".into()),
        ..Default::default()
    };
    assert!(matches!(
        s.update_saved_view("v1", &clash, 4_000).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.update_saved_view("nope", &shared, 4_000).await,
        Err(StoreError::NotFound)
    ));

    assert!(s.delete_saved_view("v1").await.unwrap());
    assert!(!s.delete_saved_view("v1").await.unwrap());
    assert_eq!(s.saved_view("v1").await.unwrap(), None);
    assert_eq!(
        names(&s.saved_views(&ada.id, &[org]).await.unwrap()),
        ["Slow"]
    );
}
