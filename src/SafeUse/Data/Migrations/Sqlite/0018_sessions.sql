-- Sessions (issue 17): one row per sign-in, named in the cookie, so a person can see where they are signed in and end
-- any one of them. A cookie is honoured only while its row is open and its stamp is the account's current one.
CREATE TABLE user_session (
    id TEXT NOT NULL CONSTRAINT pk_user_session PRIMARY KEY,
    person_id INTEGER NOT NULL CONSTRAINT fk_user_session_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    stamp TEXT NOT NULL,
    method TEXT NOT NULL,
    ip_address TEXT NULL,
    user_agent TEXT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT NULL,
    ended_how TEXT NULL
);

CREATE INDEX ix_user_session_person_id ON user_session (person_id);
