-- Single sign-on (issue 17): a trust's choices (which providers are on, the Entra tenants and Google Workspace domains
-- it accepts, whether each provider already enforces a second factor, and whether passwords are turned off), and what
-- each link to a provider's account records. Client ids and secrets stay in configuration, never here.
CREATE TABLE sso_setting (
    trust_id INTEGER NOT NULL CONSTRAINT pk_sso_setting PRIMARY KEY CONSTRAINT fk_sso_setting_trust_trust_id REFERENCES trust (id) ON DELETE CASCADE,
    microsoft_on INTEGER NOT NULL,
    microsoft_tenants TEXT NOT NULL,
    microsoft_enforces_mfa INTEGER NOT NULL,
    google_on INTEGER NOT NULL,
    google_domains TEXT NOT NULL,
    google_enforces_mfa INTEGER NOT NULL,
    passwords_off INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

ALTER TABLE external_login ADD COLUMN email TEXT NULL;
ALTER TABLE external_login ADD COLUMN last_used_at TEXT NULL;

-- One account per provider per person: two first sign-ins at once with different accounts cannot both link.
CREATE UNIQUE INDEX ix_external_login_person_id_provider ON external_login (person_id, provider);
