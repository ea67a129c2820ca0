//! The database schema, shared by both backends. Portable types only; the migrations under
//! `migrations/sqlite` and `migrations/postgres` must produce exactly these tables and columns.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    site_rules (version) {
        version -> Integer,
        body_md -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        display_name_key -> Text,
        password_hash -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamp>,
        is_admin -> Bool,
        rules_version -> Nullable<Integer>,
        rules_accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        approved_posts -> Integer,
        rejected_posts -> Integer,
        suspended_until -> Nullable<Timestamp>,
        sanction_reason -> Nullable<Text>,
        banned -> Bool,
        email_off -> Bool,
        email_excerpts -> Bool,
        digest -> Text,
        digest_sent_at -> Nullable<Timestamp>,
        queue_alert_at -> Nullable<Timestamp>,
        queue_summary_at -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_enabled_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
        research_consent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Text,
        staff -> Bool,
        second_factor -> Bool,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    groups (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        rules_md -> Text,
        rules_html -> Text,
        visibility -> Text,
        position -> Integer,
        topic_count -> BigInt,
        post_count -> BigInt,
        last_activity_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        moderation_policy -> Text,
        newcomer_posts -> Integer,
        pro_questions -> Bool,
        hold_urgent -> Bool,
    }
}

diesel::table! {
    group_members (id) {
        id -> BigInt,
        group_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    topics (id) {
        id -> BigInt,
        group_id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        status -> Text,
        reply_count -> BigInt,
        created_at -> Timestamp,
        last_post_at -> Timestamp,
        locked -> Bool,
        pro_question -> Bool,
        asked_profession_id -> Nullable<BigInt>,
        asked_at -> Nullable<Timestamp>,
        answer_post_id -> Nullable<BigInt>,
        answered_profession -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        helpful_post_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        topic_id -> BigInt,
        author_id -> BigInt,
        is_opening -> Bool,
        body_md -> Text,
        body_html -> Text,
        status -> Text,
        findings -> Text,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        urgent -> Bool,
        urgent_kind -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_rule -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        appealed -> Bool,
        claimed_by -> Nullable<BigInt>,
        claimed_until -> Nullable<Timestamp>,
        escalated -> Bool,
        before_decision -> Nullable<Text>,
        announced_at -> Nullable<Timestamp>,
        urgent_at -> Nullable<Timestamp>,
        first_action_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        title -> Nullable<Text>,
        body_md -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        to_addr -> Text,
        subject -> Text,
        body_text -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        body_html -> Nullable<Text>,
        list_unsubscribe -> Nullable<Text>,
        decision_post_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        post_id -> Nullable<BigInt>,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        topic_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    moderation_rules (id) {
        id -> BigInt,
        kind -> Text,
        pattern -> Text,
        action -> Text,
        ground_rule -> Text,
        message -> Text,
        group_ids -> Text,
        newcomers_only -> Bool,
        enabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    flags (id) {
        id -> BigInt,
        post_id -> BigInt,
        reporter_id -> Nullable<BigInt>,
        reason -> Text,
        note -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    member_notes (id) {
        id -> BigInt,
        user_id -> BigInt,
        author_id -> BigInt,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> BigInt,
        detail -> Text,
        created_at -> Timestamp,
        member_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    helplines (id) {
        id -> BigInt,
        name -> Text,
        number -> Text,
        note -> Text,
        kinds -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    group_watches (user_id, group_id) {
        user_id -> BigInt,
        group_id -> BigInt,
        level -> Text,
    }
}

diesel::table! {
    canned_notes (id) {
        id -> BigInt,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    professions (id) {
        id -> BigInt,
        name -> Text,
        badge -> Text,
        regulator -> Text,
        hcpc_prefix -> Text,
        position -> Integer,
        enabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    verifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        profession_id -> BigInt,
        regulator -> Text,
        registration -> Text,
        workplace -> Text,
        note -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        method -> Nullable<Text>,
        reason -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clinician_groups (user_id, group_id) {
        user_id -> BigInt,
        group_id -> BigInt,
        approved_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    topic_participants (topic_id, user_id) {
        topic_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    rate_limits (bucket, key) {
        bucket -> Text,
        key -> Text,
        window_start -> Timestamp,
        count -> Integer,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(group_members -> groups (group_id));
diesel::joinable!(group_members -> users (user_id));
diesel::joinable!(topics -> groups (group_id));
diesel::joinable!(topics -> users (author_id));
diesel::joinable!(posts -> topics (topic_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(flags -> posts (post_id));
diesel::joinable!(verifications -> professions (profession_id));
diesel::joinable!(clinician_groups -> groups (group_id));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    site_rules,
    users,
    sessions,
    account_tokens,
    recovery_codes,
    groups,
    group_members,
    topics,
    posts,
    post_revisions,
    outbox,
    notifications,
    moderation_rules,
    flags,
    member_notes,
    audit_log,
    canned_notes,
    group_watches,
    helplines,
    professions,
    verifications,
    clinician_groups,
    rate_limits,
    topic_participants,
);
