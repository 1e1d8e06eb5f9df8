-- SafeUse schema 0011 (SQLite): reports and incidents. Schools' own role names and report routes, the incident
-- record, its append-only entries (triggers refuse changes, as for signatures) and who each was routed to.

ALTER TABLE school ADD COLUMN reference_code TEXT NULL;

CREATE TABLE role_label (
    school_id INTEGER NOT NULL CONSTRAINT fk_role_label_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    CONSTRAINT pk_role_label PRIMARY KEY (school_id, role)
);

CREATE TABLE report_kind_setting (
    school_id INTEGER NOT NULL CONSTRAINT fk_report_kind_setting_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    attachments_allowed INTEGER NOT NULL,
    route TEXT NOT NULL,
    acknowledge_hours INTEGER NULL,
    CONSTRAINT pk_report_kind_setting PRIMARY KEY (school_id, kind)
);

CREATE TABLE incident (
    id INTEGER NOT NULL CONSTRAINT pk_incident PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_incident_school_school_id REFERENCES school (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    restricted INTEGER NOT NULL,
    status TEXT NOT NULL,
    reporter_id INTEGER NOT NULL CONSTRAINT fk_incident_person_reporter_id REFERENCES person (id) ON DELETE RESTRICT,
    reported_by TEXT NULL,
    subject_id INTEGER NULL CONSTRAINT fk_incident_person_subject_id REFERENCES person (id) ON DELETE RESTRICT,
    occurred_at TEXT NOT NULL,
    aware_at TEXT NULL,
    created_at TEXT NOT NULL,
    acknowledged_at TEXT NULL,
    acknowledged_by_id INTEGER NULL CONSTRAINT fk_incident_person_acknowledged_by_id REFERENCES person (id) ON DELETE RESTRICT,
    notified_step INTEGER NOT NULL,
    closed_at TEXT NULL,
    outcome TEXT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_incident_reference ON incident (reference);
CREATE UNIQUE INDEX ix_incident_school_id_year_number ON incident (school_id, year, number);
CREATE INDEX ix_incident_reporter_id ON incident (reporter_id);
CREATE INDEX ix_incident_subject_id ON incident (subject_id);
CREATE INDEX ix_incident_acknowledged_by_id ON incident (acknowledged_by_id);

CREATE TABLE incident_entry (
    id INTEGER NOT NULL CONSTRAINT pk_incident_entry PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL CONSTRAINT fk_incident_entry_incident_incident_id REFERENCES incident (id) ON DELETE RESTRICT,
    type TEXT NOT NULL,
    author_id INTEGER NULL CONSTRAINT fk_incident_entry_person_author_id REFERENCES person (id) ON DELETE RESTRICT,
    author_name TEXT NOT NULL,
    at TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT NULL,
    refers_to_id INTEGER NULL CONSTRAINT fk_incident_entry_incident_entry_refers_to_id REFERENCES incident_entry (id) ON DELETE RESTRICT
);
CREATE INDEX ix_incident_entry_incident_id ON incident_entry (incident_id);
CREATE INDEX ix_incident_entry_author_id ON incident_entry (author_id);
CREATE INDEX ix_incident_entry_refers_to_id ON incident_entry (refers_to_id);
CREATE TRIGGER tr_incident_entry_no_update BEFORE UPDATE ON incident_entry BEGIN SELECT RAISE(ABORT, 'incident entries cannot be changed: add a correction'); END;
CREATE TRIGGER tr_incident_entry_no_delete BEFORE DELETE ON incident_entry BEGIN SELECT RAISE(ABORT, 'incident entries cannot be deleted'); END;

CREATE TABLE incident_recipient (
    incident_id INTEGER NOT NULL CONSTRAINT fk_incident_recipient_incident_incident_id REFERENCES incident (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL CONSTRAINT fk_incident_recipient_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    reason TEXT NOT NULL,
    notified_at TEXT NULL,
    CONSTRAINT pk_incident_recipient PRIMARY KEY (incident_id, person_id)
);
CREATE INDEX ix_incident_recipient_person_id ON incident_recipient (person_id);
