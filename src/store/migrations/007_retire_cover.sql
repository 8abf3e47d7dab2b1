-- Issue 19 item 2: the overview's due and overage (COUNT(*) and COUNT(DISTINCT org_id)
-- over a range of retire_month, counted again on every refresh) read from the index
-- alone, not from a table row per person.
DROP INDEX persons_retire;
CREATE INDEX persons_retire ON persons(status, retire_month, org_id);
