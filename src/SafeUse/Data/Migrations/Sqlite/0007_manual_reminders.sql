-- "Send a reminder now": at most one manual reminder a day for each sign-off request, enforced by the key.
CREATE TABLE manual_reminder (
    request_id INTEGER NOT NULL CONSTRAINT fk_manual_reminder_sign_off_request_request_id REFERENCES sign_off_request (id) ON DELETE CASCADE,
    sent_on TEXT NOT NULL,
    sent_by_person_id INTEGER NULL,
    sent_at TEXT NOT NULL,
    CONSTRAINT pk_manual_reminder PRIMARY KEY (request_id, sent_on)
);
