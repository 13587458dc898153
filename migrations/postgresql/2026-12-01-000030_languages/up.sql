-- Same change as migrations/sqlite: an invitee may prefer any resident language.
ALTER TABLE invitations DROP CONSTRAINT invitations_language_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_language_check
    CHECK (length(language) BETWEEN 2 AND 16);
