-- Nothing to undo: the counts are rebuilt from the responses when they disagree.
SELECT 1;
