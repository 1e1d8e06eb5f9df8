-- SafeUse schema 0004 (PostgreSQL): audit evidence.
--
-- key_id names the key an event's HMAC was made with; NULL marks an event written before the chain was keyed
-- (plain SHA-256), which only the events before the key file's keyed-from number may be.
ALTER TABLE audit_event ADD COLUMN key_id text NULL;

-- The audit trail is append-only: the database itself refuses to change or remove an event. TRUNCATE skips row
-- triggers, so it has its own, on the signatures too.
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted';
END;
$$;
CREATE TRIGGER tr_audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER tr_audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER tr_signature_no_truncate BEFORE TRUNCATE ON signature FOR EACH STATEMENT EXECUTE FUNCTION signature_is_evidence();

-- A published version's text is what people signed: once published it cannot change, nor go back to a draft.
CREATE FUNCTION policy_version_text_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'Draft' AND (NEW.status = 'Draft' OR NEW.markdown IS DISTINCT FROM OLD.markdown
        OR NEW.declaration IS DISTINCT FROM OLD.declaration OR NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256) THEN
        RAISE EXCEPTION 'a published version''s text cannot be changed';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tr_policy_version_text_fixed BEFORE UPDATE ON policy_version FOR EACH ROW EXECUTE FUNCTION policy_version_text_is_fixed();
