-- "Add a policy" in steps: each person's answers so far, kept on the server between the steps.
CREATE TABLE policy_form_draft (
    key text NOT NULL CONSTRAINT pk_policy_form_draft PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_policy_form_draft_person_person_id REFERENCES person (id) ON DELETE CASCADE,
    answers text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ix_policy_form_draft_person_id ON policy_form_draft (person_id);
