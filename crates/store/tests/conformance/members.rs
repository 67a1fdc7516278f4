//! Members, invitations, password resets and login failures, the same on every engine: role
//! changes and removals never leave an organization without an owner (even two at once, on two
//! stores), invitations replace each other and are redeemed once, reset links end every login,
//! and failures are counted per key within a window.

use super::*;

async fn member_roles(s: &dyn MetaStore, org: &str) -> Vec<(String, String)> {
    s.members(org)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.user.email, m.role))
        .collect()
}

pub(crate) async fn members_change_roles_and_leave_but_the_last_owner_stays(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap().id;
    let other = s.create_organization("Other", 1).await.unwrap().id;
    let bea = s.create_user("Bea@test.test", "h", 1).await.unwrap();
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();
    s.set_membership(&ada.id, &org, "owner", 10).await.unwrap();
    s.set_membership(&bea.id, &org, "viewer", 20).await.unwrap();
    s.set_membership(&bea.id, &other, "owner", 20)
        .await
        .unwrap();

    let members = s.members(&org).await.unwrap();
    assert_eq!(
        members,
        vec![
            Member {
                user: ada.clone(),
                role: "owner".into(),
                joined_at_ms: 10
            },
            Member {
                user: bea.clone(),
                role: "viewer".into(),
                joined_at_ms: 20
            },
        ],
        "by email, ignoring case"
    );

    assert_eq!(
        s.change_member_role(&org, &ada.id, "owner", "admin")
            .await
            .unwrap(),
        MembershipChange::LastOwner
    );
    assert_eq!(
        s.remove_member(&org, &ada.id, "owner").await.unwrap(),
        MembershipChange::LastOwner
    );
    assert_eq!(
        s.change_member_role(&org, &bea.id, "member", "admin")
            .await
            .unwrap(),
        MembershipChange::RoleChanged,
        "authorized against a role she no longer has"
    );
    assert_eq!(
        s.change_member_role(&org, "nobody", "viewer", "admin")
            .await
            .unwrap(),
        MembershipChange::NotMember
    );
    assert_eq!(
        member_roles(s, &org).await,
        [
            ("ada@test.test".into(), "owner".into()),
            ("Bea@test.test".into(), "viewer".into())
        ],
        "nothing changed"
    );

    assert_eq!(
        s.change_member_role(&org, &bea.id, "viewer", "owner")
            .await
            .unwrap(),
        MembershipChange::Done
    );
    assert_eq!(
        s.change_member_role(&org, &ada.id, "owner", "member")
            .await
            .unwrap(),
        MembershipChange::Done,
        "another owner remains"
    );
    assert_eq!(
        s.remove_member(&org, &bea.id, "owner").await.unwrap(),
        MembershipChange::LastOwner
    );
    assert_eq!(
        s.remove_member(&org, &ada.id, "member").await.unwrap(),
        MembershipChange::Done
    );
    assert_eq!(
        member_roles(s, &org).await,
        [("Bea@test.test".into(), "owner".into())]
    );
    assert_eq!(
        s.memberships(&bea.id).await.unwrap().len(),
        2,
        "other organizations untouched"
    );
    assert!(s.memberships(&ada.id).await.unwrap().is_empty());
}

pub(crate) async fn two_owners_demoting_each_other_at_once_leave_one(f: Fixture) {
    let first = f.store.clone();
    let second = open_meta_store(&f.url).await.unwrap();
    let org = first.create_organization("Org", 1).await.unwrap().id;
    let mut owners = Vec::new();
    for i in 0..2 {
        let user = first
            .create_user(&format!("o{i}@test.test"), "h", 1)
            .await
            .unwrap();
        first
            .set_membership(&user.id, &org, "owner", 1)
            .await
            .unwrap();
        owners.push(user.id);
    }
    for _ in 0..5 {
        let (a, b) = tokio::join!(
            first.change_member_role(&org, &owners[0], "owner", "admin"),
            second.remove_member(&org, &owners[1], "owner"),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        assert!(
            outcomes.contains(&MembershipChange::LastOwner),
            "{outcomes:?}"
        );
        let members = first.members(&org).await.unwrap();
        assert_eq!(
            members.iter().filter(|m| m.role == "owner").count(),
            1,
            "{members:?}"
        );
        // Back to two owners for the next round.
        for id in &owners {
            first.set_membership(id, &org, "owner", 1).await.unwrap();
        }
    }
}

fn invitation(id: &str, org: &str, email: &str, role: &str, by: &User, at: i64) -> NewInvitation {
    NewInvitation {
        id: id.into(),
        organization_id: org.into(),
        email: email.into(),
        role: role.into(),
        token_hash: format!("token-{id}"),
        invited_by: by.id.clone(),
        created_at_ms: at,
        expires_at_ms: at + 1_000,
    }
}

pub(crate) async fn invitations_replace_each_other_and_are_redeemed_once(f: Fixture) {
    let s = f.store.as_ref();
    let org = s.create_organization("Org", 1).await.unwrap();
    let other = s.create_organization("Other", 1).await.unwrap().id;
    let ada = s.create_user("ada@test.test", "h", 1).await.unwrap();
    s.set_membership(&ada.id, &org.id, "owner", 1)
        .await
        .unwrap();

    let first = s
        .create_invitation(&invitation(
            "i1",
            &org.id,
            "new@test.test",
            "viewer",
            &ada,
            100,
        ))
        .await
        .unwrap();
    assert_eq!(
        first,
        Invitation {
            id: "i1".into(),
            organization_id: org.id.clone(),
            email: "new@test.test".into(),
            role: "viewer".into(),
            invited_by: Some(ada.clone()),
            created_at_ms: 100,
            expires_at_ms: 1_100,
        }
    );
    s.create_invitation(&invitation(
        "i2",
        &org.id,
        "new@test.test",
        "admin",
        &ada,
        200,
    ))
    .await
    .unwrap();
    s.create_invitation(&invitation(
        "i3",
        &other,
        "new@test.test",
        "admin",
        &ada,
        200,
    ))
    .await
    .unwrap();
    assert!(matches!(
        s.create_invitation(&invitation(
            "i4",
            &org.id,
            "ADA@test.test",
            "viewer",
            &ada,
            200
        ))
        .await,
        Err(StoreError::Conflict(_))
    ));
    let pending = s.pending_invitations(&org.id, 300).await.unwrap();
    assert_eq!(
        pending.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["i2"],
        "the newer replaced the older; other organizations apart"
    );
    assert!(
        s.pending_invitations(&org.id, 1_200)
            .await
            .unwrap()
            .is_empty(),
        "expired"
    );
    assert_eq!(
        s.pending_invitation("i2", 300).await.unwrap(),
        Some(pending[0].clone())
    );
    assert_eq!(s.pending_invitation("i1", 300).await.unwrap(), None);
    assert_eq!(
        s.invitation_by_token("token-i1", 300).await.unwrap(),
        None,
        "replaced"
    );

    let details = s
        .invitation_by_token("token-i2", 300)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(details.organization, org);
    assert_eq!(details.invitation.role, "admin");
    assert!(!details.account_exists);
    assert_eq!(
        s.invitation_by_token("token-i2", 1_200).await.unwrap(),
        None
    );

    let accepted = s
        .redeem_invitation(
            "token-i2",
            &Invitee::NewAccount {
                password_hash: "new-hash".into(),
            },
            300,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.user.email, "new@test.test");
    assert_eq!(accepted.organization_id, org.id);
    assert_eq!(accepted.role, "admin");
    assert_eq!(
        s.user_credentials("new@test.test")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "new-hash"
    );
    assert_eq!(
        s.memberships(&accepted.user.id).await.unwrap()[0].role,
        "admin"
    );
    assert_eq!(
        s.redeem_invitation(
            "token-i2",
            &Invitee::NewAccount {
                password_hash: "x".into()
            },
            300
        )
        .await
        .unwrap(),
        None,
        "used once"
    );
    assert!(
        s.pending_invitations(&org.id, 300)
            .await
            .unwrap()
            .is_empty()
    );

    // The other organization's invitation: the account exists now, so it is joined as itself.
    let details = s
        .invitation_by_token("token-i3", 300)
        .await
        .unwrap()
        .unwrap();
    assert!(details.account_exists);
    let wrong = s
        .redeem_invitation(
            "token-i3",
            &Invitee::Existing {
                user_id: ada.id.clone(),
            },
            300,
        )
        .await
        .unwrap();
    assert_eq!(wrong, None, "only the invited account");
    assert!(
        s.invitation_by_token("token-i3", 300)
            .await
            .unwrap()
            .is_some(),
        "rolled back"
    );
    let joined = s
        .redeem_invitation(
            "token-i3",
            &Invitee::Existing {
                user_id: accepted.user.id.clone(),
            },
            300,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joined.user, accepted.user);
    assert_eq!(s.memberships(&accepted.user.id).await.unwrap().len(), 2);

    // Creating an account for an email that has one fails and changes nothing.
    s.create_invitation(&invitation(
        "i5",
        &org.id,
        "late@test.test",
        "viewer",
        &ada,
        400,
    ))
    .await
    .unwrap();
    s.create_user("LATE@test.test", "h", 400).await.unwrap();
    assert!(matches!(
        s.redeem_invitation(
            "token-i5",
            &Invitee::NewAccount {
                password_hash: "x".into()
            },
            400
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        s.invitation_by_token("token-i5", 400)
            .await
            .unwrap()
            .is_some()
    );

    assert!(s.revoke_invitation("i5", 500).await.unwrap());
    assert!(
        !s.revoke_invitation("i5", 500).await.unwrap(),
        "revoked once"
    );
    assert!(
        !s.revoke_invitation("i2", 500).await.unwrap(),
        "used ones stay used"
    );
    assert_eq!(s.invitation_by_token("token-i5", 500).await.unwrap(), None);
}

pub(crate) async fn password_resets_and_changes_end_logins(f: Fixture) {
    let s = f.store.as_ref();
    let ada = s.create_user("ada@test.test", "old", 1).await.unwrap();
    let bea = s.create_user("bea@test.test", "bea", 1).await.unwrap();
    for login in ["l1", "l2"] {
        s.create_login(login, &ada.id, 1, 10_000).await.unwrap();
    }
    s.create_login("lb", &bea.id, 1, 10_000).await.unwrap();

    assert_eq!(
        s.set_password(&ada.id, "changed", Some("l1"))
            .await
            .unwrap(),
        Some(ada.clone())
    );
    assert_eq!(
        s.user_by_login("l1", 2).await.unwrap(),
        Some(ada.clone()),
        "kept"
    );
    assert_eq!(s.user_by_login("l2", 2).await.unwrap(), None, "ended");
    assert!(
        s.user_by_login("lb", 2).await.unwrap().is_some(),
        "others untouched"
    );
    let hash = |email: &'static str| async move {
        s.user_credentials(email)
            .await
            .unwrap()
            .unwrap()
            .password_hash
    };
    assert_eq!(hash("ada@test.test").await, "changed");
    assert_eq!(s.set_password("nobody", "x", None).await.unwrap(), None);

    s.create_password_reset("r1", &ada.id, &bea.id, 100, 200)
        .await
        .unwrap();
    s.create_password_reset("r2", &ada.id, &bea.id, 100, 200)
        .await
        .unwrap();
    assert_eq!(
        s.redeem_password_reset("r1", "x", 150).await.unwrap(),
        None,
        "replaced by the newer link"
    );
    assert_eq!(
        s.redeem_password_reset("r2", "x", 200).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        s.redeem_password_reset("r2", "reset", 150).await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(hash("ada@test.test").await, "reset");
    assert_eq!(
        s.user_by_login("l1", 2).await.unwrap(),
        None,
        "every login ended"
    );
    assert!(s.user_by_login("lb", 2).await.unwrap().is_some());
    assert_eq!(
        s.redeem_password_reset("r2", "again", 150).await.unwrap(),
        None,
        "once"
    );
    assert_eq!(hash("ada@test.test").await, "reset");

    // A password change drops unused reset links.
    s.create_password_reset("r3", &ada.id, &bea.id, 100, 200)
        .await
        .unwrap();
    s.set_password(&ada.id, "mine", None).await.unwrap();
    assert_eq!(
        s.redeem_password_reset("r3", "theirs", 150).await.unwrap(),
        None
    );
    assert_eq!(hash("ada@test.test").await, "mine");
}

pub(crate) async fn login_failures_are_counted_per_key_within_the_window(f: Fixture) {
    let s = f.store.as_ref();
    let keys = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    for at in [100, 200, 300] {
        s.record_login_failure(&keys(&["email:a", "ip:1"]), at, 0)
            .await
            .unwrap();
    }
    s.record_login_failure(&keys(&["email:b", "ip:1"]), 400, 0)
        .await
        .unwrap();
    assert_eq!(
        s.recent_login_failures("email:a", 0, 10).await.unwrap(),
        [300, 200, 100]
    );
    assert_eq!(
        s.recent_login_failures("email:a", 100, 10).await.unwrap(),
        [300, 200]
    );
    assert_eq!(
        s.recent_login_failures("ip:1", 0, 2).await.unwrap(),
        [400, 300]
    );
    assert_eq!(
        s.recent_login_failures("email:c", 0, 10).await.unwrap(),
        Vec::<i64>::new()
    );

    s.clear_login_failures("email:a").await.unwrap();
    assert!(
        s.recent_login_failures("email:a", 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.recent_login_failures("ip:1", 0, 10).await.unwrap().len(),
        4
    );

    // Recording prunes what is older than the window, for every key.
    s.record_login_failure(&keys(&["email:c"]), 1_000, 350)
        .await
        .unwrap();
    assert_eq!(s.recent_login_failures("ip:1", 0, 10).await.unwrap(), [400]);
    assert_eq!(
        s.recent_login_failures("email:c", 0, 10).await.unwrap(),
        [1_000]
    );
}

pub(crate) async fn an_invitation_redeemed_twice_at_once_is_used_once(f: Fixture) {
    let first = f.store.clone();
    let second = open_meta_store(&f.url).await.unwrap();
    let org = first.create_organization("Org", 1).await.unwrap().id;
    let ada = first.create_user("ada@test.test", "h", 1).await.unwrap();
    for round in 0..5 {
        let id = format!("i{round}");
        let email = format!("new{round}@test.test");
        first
            .create_invitation(&invitation(&id, &org, &email, "viewer", &ada, 100))
            .await
            .unwrap();
        let token = format!("token-{id}");
        let invitee = Invitee::NewAccount {
            password_hash: "h".into(),
        };
        let (a, b) = tokio::join!(
            first.redeem_invitation(&token, &invitee, 200),
            second.redeem_invitation(&token, &invitee, 200),
        );
        // The loser finds the invitation used (`None`), or, having raced to the account's
        // insert, a conflict; either way nothing of its attempt remains.
        let winners = [a, b]
            .into_iter()
            .filter(|outcome| matches!(outcome, Ok(Some(_))))
            .count();
        assert_eq!(winners, 1, "round {round}");
        assert!(first.user_credentials(&email).await.unwrap().is_some());
    }
    assert_eq!(first.members(&org).await.unwrap().len(), 5);
}
