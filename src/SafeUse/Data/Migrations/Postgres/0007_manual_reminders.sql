-- "Send a reminder now": at most one manual reminder a day for each sign-off request, enforced by the key.
CREATE TABLE manual_reminder (
    request_id bigint NOT NULL CONSTRAINT fk_manual_reminder_sign_off_request_request_id REFERENCES sign_off_request (id) ON DELETE CASCADE,
    sent_on date NOT NULL,
    sent_by_person_id bigint NULL,
    sent_at timestamptz NOT NULL,
    CONSTRAINT pk_manual_reminder PRIMARY KEY (request_id, sent_on)
);
