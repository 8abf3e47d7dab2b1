-- The lookup index as built (search::SearchIndex::to_bytes), per language of its
-- details, so that the interface's lookup and `bianzhi search` read it instead of
-- building it (store::lookup::search_index). Any change of a unit or a person drops
-- it; the next sync, import or reader builds it again. `format` is the bytes' format
-- version as the program that wrote them knew it (also checked inside the bytes).
CREATE TABLE IF NOT EXISTS search_index (
    lang   INTEGER PRIMARY KEY,
    format INTEGER NOT NULL,
    bytes  BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS search_index_persons_insert AFTER INSERT ON persons
BEGIN DELETE FROM search_index; END;
CREATE TRIGGER IF NOT EXISTS search_index_persons_update AFTER UPDATE ON persons
BEGIN DELETE FROM search_index; END;
CREATE TRIGGER IF NOT EXISTS search_index_persons_delete AFTER DELETE ON persons
BEGIN DELETE FROM search_index; END;
CREATE TRIGGER IF NOT EXISTS search_index_orgs_insert AFTER INSERT ON orgs
BEGIN DELETE FROM search_index; END;
CREATE TRIGGER IF NOT EXISTS search_index_orgs_update AFTER UPDATE ON orgs
BEGIN DELETE FROM search_index; END;
CREATE TRIGGER IF NOT EXISTS search_index_orgs_delete AFTER DELETE ON orgs
BEGIN DELETE FROM search_index; END;
