DROP TABLE analysts;
DROP TABLE submission_keys;
DROP TABLE answers;
DROP TABLE responses;
