// The one portable schema; the SQL lives in `migrations/`.

diesel::table! {
    responses (id) {
        id -> Text,
        wave_id -> Text,
        channel -> Text,
        language -> Text,
        submitted_on -> Date,
    }
}

diesel::table! {
    answers (response_id, question_id, position) {
        response_id -> Text,
        question_id -> Text,
        position -> Integer,
        value -> Text,
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
    }
}

diesel::joinable!(answers -> responses (response_id));

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
    answers,
    submission_keys,
    analysts,
    invitations,
    invitation_tokens,
    outbox,
    invitation_counts,
);
