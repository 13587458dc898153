// The one portable schema; the SQL lives in `migrations/`.

diesel::table! {
    responses (wave_id, id) {
        id -> Text,
        wave_id -> Text,
        channel -> Text,
        language -> Text,
        submitted_on -> Date,
        in_sample -> Bool,
        answers -> Text,
    }
}

diesel::table! {
    submission_keys (key) {
        key -> Text,
        wave_id -> Text,
    }
}

diesel::table! {
    analysts (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        created_on -> Date,
        role -> Text,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        wave_id -> Text,
        email -> Text,
        language -> Text,
        invited_on -> Date,
        reminded_on -> Nullable<Date>,
        answered -> Bool,
        opted_out -> Bool,
    }
}

diesel::table! {
    invitation_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        invitation_id -> Text,
        kind -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    invitation_counts (wave_id) {
        wave_id -> Text,
        invited -> Integer,
        sent -> Integer,
        failed -> Integer,
        answered -> Integer,
        opted_out -> Integer,
    }
}

diesel::joinable!(invitation_tokens -> invitations (invitation_id));
diesel::joinable!(outbox -> invitations (invitation_id));
diesel::allow_tables_to_appear_in_same_query!(
    responses,
    submission_keys,
    analysts,
    invitations,
    invitation_tokens,
    outbox,
    invitation_counts,
);

// The analyst workspace (migration 2026-11-29-000003_analyst_workspace).

diesel::table! {
    analyst_passwords (analyst_id) {
        analyst_id -> Text,
        password_hash -> Text,
        failed_attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    analyst_sessions (id_hash) {
        id_hash -> Text,
        analyst_id -> Text,
        csrf_token -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    publication_history (id) {
        id -> Text,
        wave_id -> Text,
        vision_id -> Text,
        published_at -> Timestamp,
        respondents -> Integer,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        analyst -> Text,
        action -> Text,
        wave_id -> Nullable<Text>,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    publications (wave_id) {
        wave_id -> Text,
        published_at -> Timestamp,
        published_by -> Text,
        responses -> Integer,
        min_group_size -> Integer,
        responses_paper -> Nullable<Integer>,
        responses_online -> Nullable<Integer>,
        mailed -> Nullable<Integer>,
        undeliverable -> Nullable<Integer>,
        returned -> Nullable<Integer>,
    }
}

diesel::table! {
    published_vision_scores (wave_id, vision_id) {
        wave_id -> Text,
        vision_id -> Text,
        respondents -> Nullable<Integer>,
        mean_score -> Nullable<Text>,
        sd -> Nullable<Text>,
        ci95_lower -> Nullable<Text>,
        ci95_upper -> Nullable<Text>,
        top2_box_pct -> Nullable<Text>,
        suppressed -> Bool,
    }
}

diesel::joinable!(analyst_passwords -> analysts (analyst_id));
diesel::joinable!(analyst_sessions -> analysts (analyst_id));
diesel::joinable!(published_vision_scores -> publications (wave_id));
diesel::allow_tables_to_appear_in_same_query!(
    analysts,
    analyst_passwords,
    analyst_sessions,
    audit_log,
    publication_history,
    publications,
    published_vision_scores,
);

diesel::table! {
    vision_score_sums (wave_id, vision_id, age_band, area, gender, channel, in_sample) {
        wave_id -> Text,
        vision_id -> Text,
        age_band -> Text,
        area -> Text,
        gender -> Text,
        channel -> Text,
        in_sample -> Bool,
        respondents -> BigInt,
        n -> BigInt,
        score_sum -> Double,
        score_sum_sq -> Double,
        top2_sum -> Double,
        top2_sum_sq -> Double,
    }
}

diesel::table! {
    access_codes (code_hash) {
        code_hash -> Text,
        wave_id -> Text,
        used -> Bool,
        mailing -> Integer,
        void_reason -> Nullable<Text>,
    }
}

// Postal mailings (migration 2026-12-03-003000_mailings).

diesel::table! {
    mailings (wave_id, mailing) {
        wave_id -> Text,
        mailing -> Integer,
        label -> Text,
        generated_on -> Date,
        rehearsal -> Bool,
    }
}

// Paper questionnaires (migration 2026-12-01-000020_paper_entry).

diesel::table! {
    paper_sheets (code_hash) {
        code_hash -> Text,
        wave_id -> Text,
        first_entry -> Text,
        first_operator -> Nullable<Text>,
        second_entry -> Nullable<Text>,
        second_operator -> Nullable<Text>,
    }
}

// Aggregates kept by the writer (migration 2026-12-01-000040_answer_counts).

diesel::table! {
    answer_counts (wave_id, question_id, value, in_sample) {
        wave_id -> Text,
        question_id -> Text,
        value -> Text,
        in_sample -> Bool,
        n -> BigInt,
    }
}

diesel::table! {
    question_counts (wave_id, question_id, in_sample) {
        wave_id -> Text,
        question_id -> Text,
        in_sample -> Bool,
        respondents -> BigInt,
    }
}

diesel::table! {
    day_counts (wave_id, day, channel, in_sample) {
        wave_id -> Text,
        day -> Date,
        channel -> Text,
        in_sample -> Bool,
        responses -> BigInt,
    }
}

diesel::table! {
    wave_counts (wave_id) {
        wave_id -> Text,
        responses -> BigInt,
    }
}

diesel::table! {
    evaluation_decisions (wave_id, vision_id) {
        wave_id -> Text,
        vision_id -> Text,
        direction -> Nullable<Text>,
        reason -> Text,
        opinions -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_revisions (wave_id) {
        wave_id -> Text,
        opened_by -> Text,
        opened_at -> Timestamp,
    }
}

diesel::table! {
    published_evaluations (wave_id) {
        wave_id -> Text,
        published_at -> Timestamp,
        snapshot -> Text,
    }
}

diesel::table! {
    published_evaluation_history (id) {
        id -> Text,
        wave_id -> Text,
        indicator_id -> Text,
        published_at -> Timestamp,
        respondents -> Integer,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        wave_id -> Text,
        question_id -> Text,
        digest -> Text,
        masked -> Text,
        flags -> Text,
        status -> Text,
        summary -> Text,
        publish_as -> Nullable<Text>,
        fuseji -> Nullable<Text>,
        withheld_reason -> Nullable<Text>,
        cluster_label -> Nullable<Text>,
        coded_by -> Nullable<Text>,
        second_coded_by -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    comment_codes (comment_id, coder, code_id) {
        comment_id -> Text,
        coder -> Integer,
        code_id -> Text,
    }
}

diesel::table! {
    published_comments (wave_id) {
        wave_id -> Text,
        published_at -> Timestamp,
        snapshot -> Text,
    }
}

diesel::joinable!(comment_codes -> comments (comment_id));
diesel::allow_tables_to_appear_in_same_query!(comments, comment_codes);
