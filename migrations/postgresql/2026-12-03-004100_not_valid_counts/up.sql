-- Issue 19 (defect 5): the kept counts now also count the responses without a valid
-- answer (db/counts.rs, NOT_VALID). Emptying the day counts makes the next read rebuild
-- every wave's counts from its stored responses (db::counts::ensure_current).
DELETE FROM day_counts;
