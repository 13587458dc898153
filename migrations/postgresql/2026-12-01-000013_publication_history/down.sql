DROP TABLE publication_history;
