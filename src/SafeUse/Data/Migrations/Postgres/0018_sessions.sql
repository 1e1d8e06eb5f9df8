-- Sessions (issue 17): one row per sign-in, named in the cookie, so a person can see where they are signed in and end
-- any one of them. A cookie is honoured only while its row is open and its stamp is the account's current one.
CREATE TABLE user_session (
    id text NOT NULL CONSTRAINT pk_user_session PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_user_session_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    stamp text NOT NULL,
    method text NOT NULL,
    ip_address text NULL,
    user_agent text NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ended_at timestamptz NULL,
    ended_how text NULL
);

CREATE INDEX ix_user_session_person_id ON user_session (person_id);
