DROP TABLE day_counts;
DROP TABLE question_counts;
DROP TABLE answer_counts;
