DROP TABLE wave_counts;
