UPDATE invitations SET language = 'ja' WHERE language NOT IN ('ja', 'en');
ALTER TABLE invitations DROP CONSTRAINT invitations_language_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_language_check
    CHECK (language IN ('ja', 'en'));
