-- Pupils (issues 13 and 14): staff network user names and aliases, the names they appear under in web filter and
-- proxy logs, unique per trust after normalising (lower case, any DOMAIN\ prefix removed); and each school's pupils
-- from the MIS pupil CSV with their parent and carer contacts. Pupils who leave are kept, never deleted.
CREATE TABLE person_network_name (
    id INTEGER NOT NULL CONSTRAINT pk_person_network_name PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL CONSTRAINT fk_person_network_name_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    trust_id INTEGER NOT NULL CONSTRAINT fk_person_network_name_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    is_primary INTEGER NOT NULL
);

CREATE UNIQUE INDEX ix_person_network_name_trust_id_name_normalized ON person_network_name (trust_id, name_normalized);
CREATE INDEX ix_person_network_name_person_id ON person_network_name (person_id);

CREATE TABLE pupil (
    id INTEGER NOT NULL CONSTRAINT pk_pupil PRIMARY KEY AUTOINCREMENT,
    trust_id INTEGER NOT NULL CONSTRAINT fk_pupil_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL CONSTRAINT fk_pupil_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    upn TEXT NOT NULL,
    legal_given_name TEXT NOT NULL,
    legal_family_name TEXT NOT NULL,
    preferred_given_name TEXT NULL,
    preferred_family_name TEXT NULL,
    year_group INTEGER NOT NULL,
    date_of_birth TEXT NULL,
    network_user_name TEXT NULL,
    network_user_name_normalized TEXT NULL,
    is_leaver INTEGER NOT NULL,
    left_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE UNIQUE INDEX ix_pupil_school_id_upn ON pupil (school_id, upn);
CREATE INDEX ix_pupil_trust_id_network_user_name_normalized ON pupil (trust_id, network_user_name_normalized);
CREATE INDEX ix_pupil_legal_family_name_legal_given_name ON pupil (legal_family_name, legal_given_name);

CREATE TABLE pupil_contact (
    id INTEGER NOT NULL CONSTRAINT pk_pupil_contact PRIMARY KEY AUTOINCREMENT,
    pupil_id INTEGER NOT NULL CONSTRAINT fk_pupil_contact_pupil_pupil_id REFERENCES pupil (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    email TEXT NULL,
    relationship TEXT NULL,
    parental_responsibility INTEGER NOT NULL
);

CREATE INDEX ix_pupil_contact_pupil_id ON pupil_contact (pupil_id);

CREATE TABLE pupil_import (
    id INTEGER NOT NULL CONSTRAINT pk_pupil_import PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_pupil_import_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by_person_id INTEGER NULL,
    created_at TEXT NOT NULL,
    applied_at TEXT NULL
);

CREATE INDEX ix_pupil_import_school_id ON pupil_import (school_id);
