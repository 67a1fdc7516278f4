//! Who may do what: the one place the roles of an organization are turned into permissions.
//! Handlers ask `allows(role, action)` (through `AuthUser::require`), never compare role names
//! themselves. `docs/SECURITY.md` shows `matrix_markdown()`; a test keeps the two equal.

use std::fmt;

/// A user's role in one organization, weakest first (the derived order is the rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Viewer,
    Member,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// Parses the stored name; unknown names are no role at all.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a user may be allowed to do inside an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// List, search and watch recordings; read their timeline, notes, links, tags;
    /// end-user pages; saved views.
    ViewRecordings,
    /// Download a recording (Tapedeck file or HTML). Audited like a view.
    ExportRecording,
    /// Add notes, tags, ticket links; save views; change one's own notes and views.
    Annotate,
    /// Remove other people's notes; change or delete views shared with the organization.
    ModerateAnnotations,
    /// Import a recording file into a project.
    ImportRecording,
    /// Delete a recording.
    DeleteRecording,
    /// GDPR/CCPA: export or erase everything recorded about one end user.
    ManageEndUserData,
    /// See projects, their ingest keys, origins and settings.
    ViewProjects,
    /// Create projects; change origins, privacy, recording rules, retention, region; rotate keys.
    ManageProjects,
    /// See the organization's members and pending invitations.
    ViewMembers,
    /// Invite, remove, change roles (not to or from owner), reset passwords.
    ManageMembers,
    /// Grant or take away the owner role.
    ManageOwners,
    /// Create, list and revoke API keys (only with a login, never with a key).
    ManageApiKeys,
    /// Read and export the audit log.
    ViewAudit,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::ViewRecordings,
        Action::ExportRecording,
        Action::Annotate,
        Action::ModerateAnnotations,
        Action::ImportRecording,
        Action::DeleteRecording,
        Action::ManageEndUserData,
        Action::ViewProjects,
        Action::ManageProjects,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::ManageOwners,
        Action::ManageApiKeys,
        Action::ViewAudit,
    ];

    /// The weakest role allowed to do it.
    pub fn minimum_role(self) -> Role {
        match self {
            Action::ViewRecordings
            | Action::ExportRecording
            | Action::ViewProjects
            | Action::ViewMembers => Role::Viewer,
            Action::Annotate => Role::Member,
            Action::ModerateAnnotations
            | Action::ImportRecording
            | Action::DeleteRecording
            | Action::ManageEndUserData
            | Action::ManageProjects
            | Action::ManageMembers
            | Action::ManageApiKeys
            | Action::ViewAudit => Role::Admin,
            Action::ManageOwners => Role::Owner,
        }
    }

    /// Returns true when an API key may not do it even with a strong enough role: a leaked
    /// key must not be able to mint more keys.
    pub fn needs_login(self) -> bool {
        matches!(self, Action::ManageApiKeys)
    }

    /// What the matrix in `docs/SECURITY.md` calls it.
    pub fn description(self) -> &'static str {
        match self {
            Action::ViewRecordings => {
                "list, search and watch recordings; notes, tags, links, saved views"
            }
            Action::ExportRecording => "export a recording (file or HTML)",
            Action::Annotate => "add notes, tags and ticket links; save views",
            Action::ModerateAnnotations => {
                "delete others' notes; change views shared with the organization"
            }
            Action::ImportRecording => "import a recording file",
            Action::DeleteRecording => "delete a recording",
            Action::ManageEndUserData => "export or erase one end user's data (GDPR/CCPA)",
            Action::ViewProjects => "see projects, ingest keys and settings",
            Action::ManageProjects => {
                "create projects; change origins, privacy, retention, region; rotate ingest keys"
            }
            Action::ViewMembers => "see members and pending invitations",
            Action::ManageMembers => {
                "invite and remove members, change roles below owner, reset passwords"
            }
            Action::ManageOwners => "grant or take away the owner role",
            Action::ManageApiKeys => {
                "create, list and revoke API keys (login only, not with a key)"
            }
            Action::ViewAudit => "read and export the audit log",
        }
    }
}

/// Returns true when the role may do the action.
pub fn allows(role: Role, action: Action) -> bool {
    role >= action.minimum_role()
}

/// Returns true when `actor` may move a member from role `from` to role `to` (`None` = not a
/// member: an invitation when `from` is `None`, a removal when `to` is `None`). Whether the
/// organization keeps an owner is the store's check, not this one.
pub fn may_change_membership(actor: Role, from: Option<Role>, to: Option<Role>) -> bool {
    let touches_owner = from == Some(Role::Owner) || to == Some(Role::Owner);
    allows(actor, Action::ManageMembers) && (!touches_owner || allows(actor, Action::ManageOwners))
}

/// The permission matrix as a Markdown table (rows: actions; columns: roles).
pub fn matrix_markdown() -> String {
    let mut out =
        String::from("| may … | owner | admin | member | viewer |\n|---|---|---|---|---|\n");
    for action in Action::ALL {
        out.push_str("| ");
        out.push_str(action.description());
        for role in Role::ALL {
            out.push_str(if allows(role, action) {
                " | ✓"
            } else {
                " | —"
            });
        }
        out.push_str(" |\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rank() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(role));
        }
        assert_eq!(Role::parse("Owner"), None);
        assert_eq!(Role::parse(""), None);
        assert!(
            Role::Owner > Role::Admin && Role::Admin > Role::Member && Role::Member > Role::Viewer
        );
    }

    #[test]
    fn viewers_only_read() {
        let allowed: Vec<_> = Action::ALL
            .into_iter()
            .filter(|a| allows(Role::Viewer, *a))
            .collect();
        assert_eq!(
            allowed,
            [
                Action::ViewRecordings,
                Action::ExportRecording,
                Action::ViewProjects,
                Action::ViewMembers
            ]
        );
    }

    #[test]
    fn members_annotate_but_do_not_administer() {
        assert!(allows(Role::Member, Action::Annotate));
        for action in [
            Action::DeleteRecording,
            Action::ManageMembers,
            Action::ManageProjects,
            Action::ViewAudit,
            Action::ManageApiKeys,
            Action::ModerateAnnotations,
        ] {
            assert!(!allows(Role::Member, action), "{action:?}");
            assert!(allows(Role::Admin, action), "{action:?}");
        }
    }

    #[test]
    fn only_owners_touch_the_owner_role() {
        assert!(may_change_membership(Role::Admin, None, Some(Role::Admin)));
        assert!(may_change_membership(Role::Admin, Some(Role::Member), None));
        assert!(!may_change_membership(Role::Admin, None, Some(Role::Owner)));
        assert!(!may_change_membership(
            Role::Admin,
            Some(Role::Owner),
            Some(Role::Admin)
        ));
        assert!(!may_change_membership(Role::Admin, Some(Role::Owner), None));
        assert!(may_change_membership(
            Role::Owner,
            Some(Role::Owner),
            Some(Role::Viewer)
        ));
        assert!(!may_change_membership(
            Role::Member,
            None,
            Some(Role::Viewer)
        ));
    }

    #[test]
    fn every_action_is_in_the_matrix_once() {
        let matrix = matrix_markdown();
        assert_eq!(matrix.lines().count(), Action::ALL.len() + 2);
        assert!(matrix.contains("| grant or take away the owner role | ✓ | — | — | — |"));
    }

    #[test]
    fn the_matrix_in_security_md_is_current() {
        let doc = include_str!("../../../docs/SECURITY.md");
        assert!(
            doc.contains(&matrix_markdown()),
            "docs/SECURITY.md must contain the table of policy::matrix_markdown(); paste:\n{}",
            matrix_markdown()
        );
    }
}
