DROP TABLE published_evaluation_history;
DROP TABLE published_evaluations;
DROP TABLE evaluation_revisions;
DROP TABLE evaluation_decisions;
