-- The per-response derived rows are no longer written: the writer keeps the running
-- totals (vision_score_sums) itself, and a rebuild recomputes them from the answers.
-- Writing five rows and five index entries per response at random keys was most of the
-- pages a submission touched (README, "Benchmarks").
DROP TABLE response_scores;
