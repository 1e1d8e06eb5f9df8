-- SafeUse schema 0013 (SQLite): files attached to incidents. Each row belongs to an incident and to the entry that
-- added it; the file is on disk outside the web root under a random name, with its SHA-256 here so a changed copy is
-- refused. Append-only like the entries: a file attached is part of the record, so the triggers refuse changes.

CREATE TABLE incident_attachment (
    id INTEGER NOT NULL CONSTRAINT pk_incident_attachment PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL CONSTRAINT fk_incident_attachment_incident_incident_id REFERENCES incident (id) ON DELETE RESTRICT,
    entry_id INTEGER NOT NULL CONSTRAINT fk_incident_attachment_incident_entry_entry_id REFERENCES incident_entry (id) ON DELETE RESTRICT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    added_by_id INTEGER NULL CONSTRAINT fk_incident_attachment_person_added_by_id REFERENCES person (id) ON DELETE RESTRICT,
    added_by_name TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX ix_incident_attachment_incident_id ON incident_attachment (incident_id);
CREATE INDEX ix_incident_attachment_entry_id ON incident_attachment (entry_id);
CREATE INDEX ix_incident_attachment_added_by_id ON incident_attachment (added_by_id);
CREATE UNIQUE INDEX ix_incident_attachment_stored_name ON incident_attachment (stored_name);
CREATE TRIGGER tr_incident_attachment_no_update BEFORE UPDATE ON incident_attachment BEGIN SELECT RAISE(ABORT, 'incident attachments cannot be changed: add another file'); END;
CREATE TRIGGER tr_incident_attachment_no_delete BEFORE DELETE ON incident_attachment BEGIN SELECT RAISE(ABORT, 'incident attachments cannot be deleted'); END;
