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
diesel::allow_tables_to_appear_in_same_query!(responses, answers, submission_keys, analysts);
