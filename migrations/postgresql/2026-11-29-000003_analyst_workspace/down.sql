DROP TABLE published_vision_scores;
DROP TABLE publications;
DROP TABLE audit_log;
DROP TABLE analyst_sessions;
DROP TABLE analyst_passwords;
