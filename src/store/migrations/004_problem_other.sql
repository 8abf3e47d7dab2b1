-- The other record a problem names (一人多编: the other person holding the same ID
-- number), so that the person screen can name it and open it.
ALTER TABLE problems ADD COLUMN other_id INTEGER;
