-- Monitoring in the web app (issue 13, first slice): each school's rules and lists folder, its log sources, how far
-- each log file has been read (device, inode, offset and a hash of the file's first bytes, so rotation and
-- truncation are noticed), and the alerts the engine's hits become.
CREATE TABLE monitoring_setup (
    id INTEGER NOT NULL CONSTRAINT pk_monitoring_setup PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_monitoring_setup_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    rules_yaml TEXT NULL,
    lists_path TEXT NULL,
    version INTEGER NOT NULL,
    updated_by_person_id INTEGER NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ix_monitoring_setup_school_id ON monitoring_setup (school_id);

CREATE TABLE log_source (
    id INTEGER NOT NULL CONSTRAINT pk_log_source PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_log_source_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    ip_map_kind TEXT NULL,
    ip_map_path TEXT NULL,
    enabled INTEGER NOT NULL,
    last_ingest_at TEXT NULL,
    lines_read INTEGER NOT NULL,
    lines_skipped INTEGER NOT NULL,
    skipped_examples TEXT NULL,
    last_error TEXT NULL,
    lease_holder TEXT NULL,
    lease_until TEXT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE INDEX ix_log_source_school_id ON log_source (school_id);

CREATE TABLE log_position (
    id INTEGER NOT NULL CONSTRAINT pk_log_position PRIMARY KEY AUTOINCREMENT,
    log_source_id INTEGER NOT NULL CONSTRAINT fk_log_position_log_source_log_source_id REFERENCES log_source (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    head_length INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_log_position_log_source_id_device_inode ON log_position (log_source_id, device, inode);

CREATE TABLE alert (
    id INTEGER NOT NULL CONSTRAINT pk_alert PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL CONSTRAINT fk_alert_school_school_id REFERENCES school (id) ON DELETE CASCADE,
    log_source_id INTEGER NULL CONSTRAINT fk_alert_log_source_log_source_id REFERENCES log_source (id) ON DELETE SET NULL,
    person_id INTEGER NULL CONSTRAINT fk_alert_person_person_id REFERENCES person (id),
    pupil_id INTEGER NULL CONSTRAINT fk_alert_pupil_pupil_id REFERENCES pupil (id),
    user_name TEXT NULL,
    ip TEXT NULL,
    host TEXT NOT NULL,
    url TEXT NOT NULL,
    categories TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    clause TEXT NULL,
    severity TEXT NOT NULL,
    search_text TEXT NULL,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    state TEXT NOT NULL,
    state_reason TEXT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_alert_school_id_state_last_at ON alert (school_id, state, last_at);
CREATE INDEX ix_alert_person_id ON alert (person_id);
CREATE INDEX ix_alert_pupil_id ON alert (pupil_id);
CREATE INDEX ix_alert_school_id_rule_id ON alert (school_id, rule_id);
