-- SafeUse schema 0002 (SQLite): policies, versions, sign-off requests, signatures, queries, reminders.

CREATE TABLE policy (
    id INTEGER NOT NULL CONSTRAINT pk_policy PRIMARY KEY AUTOINCREMENT,
    trust_id INTEGER NOT NULL CONSTRAINT fk_policy_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    scope TEXT NOT NULL,
    owner_role TEXT NULL,
    owner_person_id INTEGER NULL CONSTRAINT fk_policy_person_owner_person_id REFERENCES person (id),
    originator TEXT NULL,
    approval_body TEXT NULL,
    approved_text TEXT NULL,
    approved_on TEXT NULL,
    adopted_text TEXT NULL,
    adopted_on TEXT NULL,
    last_review_text TEXT NULL,
    last_review_on TEXT NULL,
    next_review_text TEXT NULL,
    next_review_on TEXT NULL,
    review_cycle_months INTEGER NULL,
    review_on_law_change INTEGER NOT NULL,
    legislation TEXT NULL,
    dissemination TEXT NULL,
    sign_within_days INTEGER NOT NULL,
    reminder_schedule TEXT NOT NULL,
    reconfirm_text TEXT NULL,
    reconfirm_month_day INTEGER NULL,
    review_notice_sent_for TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ix_policy_trust_id ON policy (trust_id);
CREATE INDEX ix_policy_owner_person_id ON policy (owner_person_id);

CREATE TABLE policy_school (
    policy_id INTEGER NOT NULL CONSTRAINT fk_policy_school_policy_policy_id REFERENCES policy (id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL CONSTRAINT fk_policy_school_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    CONSTRAINT pk_policy_school PRIMARY KEY (policy_id, school_id)
);
CREATE INDEX ix_policy_school_school_id ON policy_school (school_id);

CREATE TABLE policy_audience (
    id INTEGER NOT NULL CONSTRAINT pk_policy_audience PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL CONSTRAINT fk_policy_audience_policy_policy_id REFERENCES policy (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX ix_policy_audience_policy_id ON policy_audience (policy_id);

CREATE TABLE policy_link (
    id INTEGER NOT NULL CONSTRAINT pk_policy_link PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL CONSTRAINT fk_policy_link_policy_policy_id REFERENCES policy (id) ON DELETE CASCADE,
    linked_policy_id INTEGER NULL CONSTRAINT fk_policy_link_policy_linked_policy_id REFERENCES policy (id),
    title TEXT NOT NULL,
    url TEXT NULL
);
CREATE INDEX ix_policy_link_policy_id ON policy_link (policy_id);
CREATE INDEX ix_policy_link_linked_policy_id ON policy_link (linked_policy_id);

CREATE TABLE policy_version (
    id INTEGER NOT NULL CONSTRAINT pk_policy_version PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL CONSTRAINT fk_policy_version_policy_policy_id REFERENCES policy (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    change_summary TEXT NULL,
    markdown TEXT NOT NULL,
    structure_json TEXT NULL,
    declaration TEXT NOT NULL,
    text_sha256 TEXT NULL,
    approved_by TEXT NULL,
    approved_on TEXT NULL,
    published_at TEXT NULL,
    published_by_person_id INTEGER NULL,
    author TEXT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_policy_version_policy_id_number ON policy_version (policy_id, number);

CREATE TABLE sign_off_request (
    id INTEGER NOT NULL CONSTRAINT pk_sign_off_request PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL,
    policy_version_id INTEGER NOT NULL CONSTRAINT fk_sign_off_request_policy_version_policy_version_id REFERENCES policy_version (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL CONSTRAINT fk_sign_off_request_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    requested_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    closed_at TEXT NULL
);
CREATE UNIQUE INDEX ix_sign_off_request_policy_version_id_person_id ON sign_off_request (policy_version_id, person_id);
CREATE INDEX ix_sign_off_request_person_id_status ON sign_off_request (person_id, status);
CREATE INDEX ix_sign_off_request_policy_id_status ON sign_off_request (policy_id, status);

CREATE TABLE signature (
    id INTEGER NOT NULL CONSTRAINT pk_signature PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL,
    policy_version_id INTEGER NOT NULL CONSTRAINT fk_signature_policy_version_policy_version_id REFERENCES policy_version (id) ON DELETE RESTRICT,
    person_id INTEGER NOT NULL CONSTRAINT fk_signature_person_person_id REFERENCES person (id) ON DELETE RESTRICT,
    signed_at TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    declaration TEXT NOT NULL,
    typed_name TEXT NOT NULL,
    method TEXT NOT NULL,
    witness_person_id INTEGER NULL,
    ip_address TEXT NULL,
    user_agent TEXT NULL
);
CREATE UNIQUE INDEX ix_signature_policy_version_id_person_id ON signature (policy_version_id, person_id);
CREATE INDEX ix_signature_person_id ON signature (person_id);

-- Signatures are evidence: the database itself refuses to change or remove one.
CREATE TRIGGER tr_signature_no_update BEFORE UPDATE ON signature BEGIN SELECT RAISE(ABORT, 'signatures cannot be changed'); END;
CREATE TRIGGER tr_signature_no_delete BEFORE DELETE ON signature BEGIN SELECT RAISE(ABORT, 'signatures cannot be deleted'); END;

CREATE TABLE policy_query (
    id INTEGER NOT NULL CONSTRAINT pk_policy_query PRIMARY KEY AUTOINCREMENT,
    policy_id INTEGER NOT NULL,
    policy_version_id INTEGER NOT NULL CONSTRAINT fk_policy_query_policy_version_policy_version_id REFERENCES policy_version (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL CONSTRAINT fk_policy_query_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    answer TEXT NULL,
    answered_at TEXT NULL,
    answered_by_person_id INTEGER NULL
);
CREATE INDEX ix_policy_query_policy_version_id ON policy_query (policy_version_id);
CREATE INDEX ix_policy_query_person_id ON policy_query (person_id);

CREATE TABLE reminder_sent (
    id INTEGER NOT NULL CONSTRAINT pk_reminder_sent PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL CONSTRAINT fk_reminder_sent_sign_off_request_request_id REFERENCES sign_off_request (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_reminder_sent_request_id_step ON reminder_sent (request_id, step);
