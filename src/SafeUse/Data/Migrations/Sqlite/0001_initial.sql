-- SafeUse schema 0001 (SQLite): trust, schools, people, roles, accounts, audit trail, outbox.
-- Times are UTC text in ISO order (EF Core's SQLite format), dates are yyyy-MM-dd text.

CREATE TABLE trust (
    id INTEGER NOT NULL CONSTRAINT pk_trust PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE school (
    id INTEGER NOT NULL CONSTRAINT pk_school PRIMARY KEY AUTOINCREMENT,
    trust_id INTEGER NOT NULL CONSTRAINT fk_school_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    urn TEXT NULL,
    time_zone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_school_trust_id ON school (trust_id);
CREATE UNIQUE INDEX ix_school_urn ON school (urn);

CREATE TABLE person (
    id INTEGER NOT NULL CONSTRAINT pk_person PRIMARY KEY AUTOINCREMENT,
    trust_id INTEGER NOT NULL CONSTRAINT fk_person_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NULL,
    email_normalized TEXT NULL,
    staff_code TEXT NULL,
    employment_type TEXT NOT NULL,
    job_title TEXT NULL,
    staff_group TEXT NULL,
    start_date TEXT NULL,
    leave_date TEXT NULL,
    is_leaver INTEGER NOT NULL,
    line_manager_id INTEGER NULL CONSTRAINT fk_person_person_line_manager_id REFERENCES person (id) ON DELETE RESTRICT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_person_trust_id_email_normalized ON person (trust_id, email_normalized);
CREATE UNIQUE INDEX ix_person_trust_id_staff_code ON person (trust_id, staff_code);
CREATE INDEX ix_person_family_name_given_name ON person (family_name, given_name);
CREATE INDEX ix_person_line_manager_id ON person (line_manager_id);

CREATE TABLE person_school (
    person_id INTEGER NOT NULL CONSTRAINT fk_person_school_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL CONSTRAINT fk_person_school_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    CONSTRAINT pk_person_school PRIMARY KEY (person_id, school_id)
);
CREATE INDEX ix_person_school_school_id ON person_school (school_id);

CREATE TABLE role_assignment (
    id INTEGER NOT NULL CONSTRAINT pk_role_assignment PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_role_assignment_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    school_id INTEGER NULL CONSTRAINT fk_role_assignment_school_school_id REFERENCES school (id)
);
CREATE UNIQUE INDEX ix_role_assignment_person_id_role_school_id ON role_assignment (person_id, role, school_id);
CREATE INDEX ix_role_assignment_school_id ON role_assignment (school_id);

CREATE TABLE account (
    person_id INTEGER NOT NULL CONSTRAINT pk_account PRIMARY KEY CONSTRAINT fk_account_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    password_hash TEXT NULL,
    failed_count INTEGER NOT NULL,
    locked_until TEXT NULL,
    last_sign_in_at TEXT NULL,
    security_stamp TEXT NOT NULL,
    second_factor_enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE external_login (
    id INTEGER NOT NULL CONSTRAINT pk_external_login PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_external_login_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_external_login_provider_subject ON external_login (provider, subject);
CREATE INDEX ix_external_login_person_id ON external_login (person_id);

CREATE TABLE sign_in_link (
    id INTEGER NOT NULL CONSTRAINT pk_sign_in_link PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_sign_in_link_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_sign_in_link_token_hash ON sign_in_link (token_hash);
CREATE INDEX ix_sign_in_link_person_id ON sign_in_link (person_id);

CREATE TABLE sign_in_throttle (
    key TEXT NOT NULL CONSTRAINT pk_sign_in_throttle PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT NULL
);

CREATE TABLE audit_event (
    seq INTEGER NOT NULL CONSTRAINT pk_audit_event PRIMARY KEY,
    at TEXT NOT NULL,
    actor_person_id INTEGER NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NULL,
    school_id INTEGER NULL,
    summary TEXT NOT NULL,
    before TEXT NULL,
    after TEXT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_event_at ON audit_event (at);
CREATE INDEX ix_audit_event_entity_type_entity_id ON audit_event (entity_type, entity_id);

CREATE TABLE idempotency_key (
    key TEXT NOT NULL CONSTRAINT pk_idempotency_key PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE outbox_email (
    id INTEGER NOT NULL CONSTRAINT pk_outbox_email PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sensitive INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    leased_until TEXT NULL,
    sent_at TEXT NULL,
    last_error TEXT NULL
);
CREATE INDEX ix_outbox_email_status_next_attempt_at ON outbox_email (status, next_attempt_at);

CREATE TABLE staff_import (
    id INTEGER NOT NULL CONSTRAINT pk_staff_import PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_staff_import_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    mapping_json TEXT NULL,
    created_by_person_id INTEGER NULL,
    created_at TEXT NOT NULL,
    applied_at TEXT NULL
);
CREATE INDEX ix_staff_import_school_id ON staff_import (school_id);
