-- Second factors (issue 17): authenticator apps now, passkeys later as another kind with their own columns; single-use
-- recovery codes, stored hashed; and the roles a trust adds to those that must have a second factor.
-- account.second_factor_enabled (0001) says whether a person has a confirmed factor, so each request can tell cheaply.
CREATE TABLE second_factor (
    id INTEGER NOT NULL CONSTRAINT pk_second_factor PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_second_factor_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    protected_secret TEXT NULL,
    last_time_step INTEGER NULL,
    demo INTEGER NOT NULL,
    confirmed_at TEXT NULL,
    last_used_at TEXT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_second_factor_person_id ON second_factor (person_id);

CREATE TABLE recovery_code (
    id INTEGER NOT NULL CONSTRAINT pk_recovery_code PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_recovery_code_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    used_at TEXT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_recovery_code_person_id ON recovery_code (person_id);

CREATE TABLE second_factor_role (
    trust_id INTEGER NOT NULL CONSTRAINT fk_second_factor_role_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    CONSTRAINT pk_second_factor_role PRIMARY KEY (trust_id, role)
);
