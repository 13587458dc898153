DROP TABLE vision_score_sums;
DROP TABLE response_scores;
