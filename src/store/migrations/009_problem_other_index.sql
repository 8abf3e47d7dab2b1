-- Issue 19 item 2: a day's refresh asks, for each person it rechecks, whose 一人一编
-- problem names that person (problems.other_id): without an index each question read
-- every problem of the cache.
CREATE INDEX problems_other ON problems(other_id);
