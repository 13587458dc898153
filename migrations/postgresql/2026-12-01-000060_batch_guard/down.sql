DROP FUNCTION citizen_survey_all_new(bigint, bigint);
