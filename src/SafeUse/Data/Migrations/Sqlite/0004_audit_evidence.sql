-- SafeUse schema 0004 (SQLite): audit evidence.
--
-- key_id names the key an event's HMAC was made with; NULL marks an event written before the chain was keyed
-- (plain SHA-256), which only the events before the key file's keyed-from number may be.
ALTER TABLE audit_event ADD COLUMN key_id TEXT NULL;

-- The audit trail is append-only: the database itself refuses to change or remove an event.
CREATE TRIGGER tr_audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END;
CREATE TRIGGER tr_audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END;

-- A published version's text is what people signed: once published it cannot change, nor go back to a draft.
CREATE TRIGGER tr_policy_version_text_fixed BEFORE UPDATE ON policy_version
WHEN OLD.status <> 'Draft' AND (NEW.status = 'Draft' OR NEW.markdown IS NOT OLD.markdown OR NEW.declaration IS NOT OLD.declaration OR NEW.text_sha256 IS NOT OLD.text_sha256)
BEGIN SELECT RAISE(ABORT, 'a published version''s text cannot be changed'); END;
