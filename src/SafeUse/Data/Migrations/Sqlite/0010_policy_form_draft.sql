-- "Add a policy" in steps: each person's answers so far, kept on the server between the steps.
CREATE TABLE policy_form_draft (
    key TEXT NOT NULL CONSTRAINT pk_policy_form_draft PRIMARY KEY,
    person_id INTEGER NOT NULL CONSTRAINT fk_policy_form_draft_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_policy_form_draft_person_id ON policy_form_draft (person_id);
