//! Who may do what. Every permission question is answered here, so handlers ask and templates
//! receive booleans; none of them re-derives roles.

use crate::accounts::Account;
use crate::groups::{Group, Membership, Visibility};
use crate::professionals::Badge;

/// A signed-in member and their standing in groups.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: i64,
    pub account: Account,
    pub memberships: Vec<Membership>,
    /// Their verified professional badge, if they hold one now.
    pub badge: Option<Badge>,
    /// With a badge: the groups an admin approved them to read and answer in.
    pub clinician_groups: Vec<i64>,
}

/// Whoever is making the request.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub signed_in: Option<SignedIn>,
}

impl Viewer {
    pub fn account(&self) -> Option<&Account> {
        self.signed_in.as_ref().map(|s| &s.account)
    }

    pub fn user_id(&self) -> Option<i64> {
        self.account().map(|a| a.id)
    }

    pub fn is_admin(&self) -> bool {
        self.account().is_some_and(|a| a.is_admin)
    }

    pub fn membership(&self, group_id: i64) -> Option<&Membership> {
        self.signed_in.as_ref().and_then(|s| s.memberships.iter().find(|m| m.group_id == group_id))
    }

    fn approved_member(&self, group_id: i64) -> bool {
        self.membership(group_id).is_some_and(Membership::approved)
    }

    /// Holds a verified professional badge now.
    pub fn badge(&self) -> Option<&Badge> {
        self.signed_in.as_ref().and_then(|s| s.badge.as_ref())
    }

    /// A verified clinician an admin approved for the group.
    pub fn clinician_for(&self, group_id: i64) -> bool {
        self.signed_in.as_ref().is_some_and(|s| s.badge.is_some() && s.clinician_groups.contains(&group_id))
    }

    /// May read the group's topics. Private groups: approved members, verified clinicians
    /// approved for the group, their moderators, admins.
    pub fn can_read(&self, group: &Group) -> bool {
        match group.visibility() {
            Visibility::Open => true,
            Visibility::Members => self.signed_in.is_some(),
            Visibility::Private => self.is_admin() || self.approved_member(group.id) || self.clinician_for(group.id),
        }
    }

    /// Sees the open questions for professionals: a verified clinician.
    pub fn can_answer_questions(&self) -> bool {
        self.badge().is_some()
    }

    /// May start topics and reply: can read, has confirmed their email address, and is not
    /// suspended.
    pub fn can_post(&self, group: &Group) -> bool {
        self.can_read(group)
            && self.account().is_some_and(|a| a.email_verified_at.is_some() && a.suspension().is_none())
    }

    /// Moderates the group: an admin, or a moderator appointed for it.
    pub fn can_moderate(&self, group_id: i64) -> bool {
        self.is_admin() || self.membership(group_id).is_some_and(Membership::moderates)
    }

    /// Moderates anything at all (for the navigation).
    pub fn is_moderator(&self) -> bool {
        self.is_admin() || self.signed_in.as_ref().is_some_and(|s| s.memberships.iter().any(Membership::moderates))
    }

    /// The groups whose moderation this viewer sees; `None` means all of them (admins).
    pub fn moderated_groups(&self) -> Option<Vec<i64>> {
        if self.is_admin() {
            return None;
        }
        Some(
            self.signed_in
                .iter()
                .flat_map(|s| s.memberships.iter().filter(|m| m.moderates()).map(|m| m.group_id))
                .collect(),
        )
    }

    /// May change the post's text or delete it: its author only.
    pub fn can_edit_post(&self, author_id: i64) -> bool {
        self.user_id() == Some(author_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: i64, visibility: Visibility) -> Group {
        Group {
            id,
            slug: format!("g{id}"),
            name: "G".into(),
            description: String::new(),
            rules_md: String::new(),
            rules_html: String::new(),
            visibility: visibility.as_str().into(),
            position: 0,
            topic_count: 0,
            post_count: 0,
            last_activity_at: None,
            moderation_policy: "post_moderate".into(),
            newcomer_posts: 3,
            pro_questions: false,
            hold_urgent: false,
        }
    }

    fn member(is_admin: bool, verified: bool, memberships: Vec<Membership>) -> Viewer {
        Viewer {
            signed_in: Some(SignedIn {
                session_id: 1,
                account: Account {
                    id: 7,
                    email: "m@example.org".into(),
                    display_name: "M".into(),
                    is_admin,
                    email_verified_at: verified.then(crate::db::now),
                    rules_version: Some(1),
                    created_at: crate::db::now(),
                    approved_posts: 0,
                    rejected_posts: 0,
                    suspended_until: None,
                    sanction_reason: None,
                    banned: false,
                },
                memberships,
                badge: None,
                clinician_groups: Vec::new(),
            }),
        }
    }

    fn membership(group_id: i64, role: &str, status: &str) -> Membership {
        Membership { group_id, role: role.into(), status: status.into() }
    }

    #[test]
    fn visibility_decides_who_reads() {
        let anonymous = Viewer::default();
        let plain = member(false, true, vec![]);
        let (open, members, private) =
            (group(1, Visibility::Open), group(2, Visibility::Members), group(3, Visibility::Private));
        assert!(anonymous.can_read(&open) && !anonymous.can_read(&members) && !anonymous.can_read(&private));
        assert!(plain.can_read(&open) && plain.can_read(&members) && !plain.can_read(&private));
        let pending = member(false, true, vec![membership(3, "member", "pending")]);
        assert!(!pending.can_read(&private), "a join request alone must not open a private group");
        let approved = member(false, true, vec![membership(3, "member", "approved")]);
        assert!(approved.can_read(&private) && approved.can_post(&private));
        assert!(member(true, true, vec![]).can_read(&private));
    }

    #[test]
    fn posting_needs_a_confirmed_email() {
        let open = group(1, Visibility::Open);
        assert!(!Viewer::default().can_post(&open));
        assert!(!member(false, false, vec![]).can_post(&open));
        assert!(member(false, true, vec![]).can_post(&open));
    }

    #[test]
    fn moderators_moderate_only_their_groups() {
        let moderator = member(false, true, vec![membership(1, "moderator", "approved")]);
        assert!(moderator.can_moderate(1) && !moderator.can_moderate(2));
        assert_eq!(moderator.moderated_groups(), Some(vec![1]));
        assert!(member(true, true, vec![]).can_moderate(2));
        assert_eq!(member(true, true, vec![]).moderated_groups(), None);
        assert!(!member(false, true, vec![membership(1, "member", "approved")]).is_moderator());
    }
}
