DROP TABLE published_comments;
DROP TABLE comment_codes;
DROP TABLE comments;
