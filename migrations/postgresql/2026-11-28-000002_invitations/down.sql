DROP TABLE invitation_counts;
DROP TABLE outbox;
DROP TABLE invitation_tokens;
DROP TABLE invitations;
