-- PostgreSQL only (the writer's one-statement batch); kept so both backends' versions match.
SELECT 1;
