-- An audit line's detail as a typed value (store::audit::AuditDetail, JSON), worded by
-- the interface and the command line in the operator's language. Lines written before
-- keep only their `detail` sentence, shown as it was written.
ALTER TABLE audit ADD COLUMN typed TEXT;
